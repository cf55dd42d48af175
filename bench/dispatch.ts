/*
 * Dispatch micro-benchmark: Signal.send / sendRobust / hasListeners against
 * EventEmitter.emit / listenerCount, with the same listener functions.
 *
 *   npm run bench:dispatch             # full run
 *   npm run bench:dispatch -- --quick  # fewer iterations
 *
 * Each loop below is a separate top-level function, so its call site stays
 * monomorphic and no closure is created per iteration. Every round runs both
 * contenders of a case back to back (order flipped every round); we report
 * the median ns/op over the rounds. Results go into `sink`, printed at the end.
 */
import { EventEmitter } from 'events';
import { writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Signal } from '../src/signal';

interface Kwargs { request: object; response: object; span: object }
type Listener = (sender: unknown, kwargs: unknown) => void;
type Loop = (n: number) => number;
interface Case { name: string; ours: Loop; theirs: Loop }
interface Result { name: string; ours: number; theirs: number }

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 5 : 7;
const WARMUP_ITERATIONS = QUICK ? 50_000 : 200_000; // per contender, two passes
const BATCH_NS = (QUICK ? 10 : 50) * 1e6; // each timed batch lasts about this long
const RESULTS_FILE = path.join(__dirname, '..', '..', 'bench', 'DISPATCH-RESULTS.md');

const SENDER = { name: 'server' };
const KWARGS: Kwargs = { request: {}, response: {}, span: {} };
let calls = 0; // the listeners' trivial work
let sink = 0; // every loop's result is folded in here and printed

function makeListeners(count: number): Listener[] {
  return Array.from({ length: count }, () => (_sender: unknown, _kwargs: unknown) => {
    calls++;
  });
}

function makeSignal(listeners: Listener[]): Signal<Kwargs> {
  const signal = new Signal<Kwargs>();
  for (const listener of listeners) signal.connect(listener);
  return signal;
}

function makeEmitter(listeners: Listener[]): EventEmitter {
  const emitter = new EventEmitter();
  for (const listener of listeners) emitter.on('event', listener);
  return emitter;
}

function loopSend(signal: Signal<Kwargs>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += signal.send(SENDER, KWARGS).length;
  return acc;
}

function loopSendRobust(signal: Signal<Kwargs>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += signal.sendRobust(SENDER, KWARGS).length;
  return acc;
}

function loopHasListeners(signal: Signal<Kwargs>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) if (signal.hasListeners()) acc++;
  return acc;
}

function loopEmit(emitter: EventEmitter, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) if (emitter.emit('event', SENDER, KWARGS)) acc++;
  return acc;
}

function loopListenerCount(emitter: EventEmitter, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += emitter.listenerCount('event');
  return acc;
}

function buildCases(): Case[] {
  const cases: Case[] = [];
  for (const count of [0, 1, 10]) {
    const listeners = makeListeners(count);
    const signal = makeSignal(listeners);
    const emitter = makeEmitter(listeners);
    const emit = (n: number) => loopEmit(emitter, n);
    cases.push({ name: `send, ${count} receivers`, ours: n => loopSend(signal, n), theirs: emit });
    if (count > 0) {
      cases.push({ name: `sendRobust, ${count} receivers`, ours: n => loopSendRobust(signal, n), theirs: emit });
    }
    if (count < 10) {
      const ours = (n: number) => loopHasListeners(signal, n);
      cases.push({ name: `hasListeners, ${count} receivers`, ours, theirs: n => loopListenerCount(emitter, n) });
    }
  }
  return cases;
}

/** Runs `loop` for `n` iterations and returns ns per iteration. */
function time(loop: Loop, n: number): number {
  const start = process.hrtime.bigint();
  sink += loop(n);
  return Number(process.hrtime.bigint() - start) / n;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Warms every contender up (two passes, so all shapes are seen) and sizes its batch. */
function calibrate(contenders: Loop[]): number[] {
  let nsPerOp: number[] = [];
  for (let pass = 0; pass < 2; pass++) nsPerOp = contenders.map(loop => time(loop, WARMUP_ITERATIONS));
  return nsPerOp.map(ns => Math.max(10_000, Math.round(BATCH_NS / ns)));
}

function measure(cases: Case[]): Result[] {
  const contenders = cases.flatMap(c => [c.ours, c.theirs]); // ours at 2k, theirs at 2k + 1
  const iterations = calibrate(contenders);
  const samples: number[][] = contenders.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k += 2) {
      const order = round % 2 === 0 ? [k, k + 1] : [k + 1, k]; // flip who goes first
      for (const j of order) samples[j].push(time(contenders[j], iterations[j]));
    }
  }
  return cases.map((c, i) => ({ name: c.name, ours: median(samples[2 * i]), theirs: median(samples[2 * i + 1]) }));
}

function verdicts(results: Result[]): string[] {
  const byName = (name: string) => results.find(r => r.name === name)!;
  const idle = byName('send, 0 receivers').ours;
  const lines = [`- \`send\` with no receivers < 10 ns: ${idle.toFixed(1)} ns, ${idle < 10 ? 'met' : 'MISSED'}`];
  for (const r of results.filter(r => /^send.*, (1|10) /.test(r.name))) {
    const ratio = r.ours / r.theirs;
    lines.push(`- ${r.name} <= 1.2x emit: ${ratio.toFixed(2)}x, ${ratio <= 1.2 ? 'met' : 'MISSED'}`);
  }
  return lines;
}

function toMarkdown(results: Result[]): string {
  const rows = results.map(r => {
    const cells = [r.name, r.ours.toFixed(1), r.theirs.toFixed(1), (r.ours / r.theirs).toFixed(2)];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '# Signal dispatch vs EventEmitter',
    '',
    `Node ${process.version}, ${os.cpus()[0].model}, ${new Date().toISOString()}`,
    `${QUICK ? 'quick' : 'full'} run: median of ${ROUNDS} rounds, ~${BATCH_NS / 1e6} ms per contender per round`,
    '',
    '| case | ns/op | EventEmitter ns/op | ratio |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    'EventEmitter column: `emit(\'event\', sender, kwargs)` for send cases, `listenerCount(\'event\')` for hasListeners.',
    '',
    'Targets:',
    '',
    ...verdicts(results),
    '',
  ].join('\n');
}

function main(): void {
  const markdown = toMarkdown(measure(buildCases()));
  process.stdout.write(markdown);
  writeFileSync(RESULTS_FILE, markdown);
  console.log(`\n(written to ${path.relative(process.cwd(), RESULTS_FILE)}; sink ${sink}, calls ${calls})`);
}

main();
