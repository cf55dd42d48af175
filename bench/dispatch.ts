/*
 * Signal.send / sendRobust / hasListeners, and the instrumentation's
 * _notifyRobust / _mayHaveReceivers, against EventEmitter.emit /
 * listenerCount, with the same listeners. The "for the sender" cases connect
 * the receiver with `{ sender }`, as a receiver for one http.Server does.
 *
 *   npm run bench:dispatch [-- --quick] [--cpu-time]
 *
 * Timed loops are top-level functions (no per-iteration closures). Everything
 * warms up together; each round then times both contenders of a case back to
 * back, flipping who goes first. We report the median ns/op; loop results go
 * into `sink`, printed at the end, so no work is dead. The clock is
 * process.hrtime; --cpu-time uses process.cpuUsage() (GC threads included),
 * which a loaded machine inflates far less.
 */
import { diag } from '@opentelemetry/api';
import { EventEmitter } from 'events';
import { writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Signal } from '../src/signals/signal';
import { RECORDS_DIR } from './paths';

interface Kwargs {
  request: object;
  response: object;
  span: object;
}
type Listener = (sender: unknown, kwargs: unknown) => void;
type Loop = (n: number) => number;
interface Case {
  name: string;
  ours: Loop;
  theirs: Loop;
}
interface Result {
  name: string;
  ours: number;
  theirs: number;
}

const QUICK = process.argv.includes('--quick');
const CPU_TIME = process.argv.includes('--cpu-time');
const ROUNDS = QUICK ? 5 : 7;
const WARMUP_ITERATIONS = QUICK ? 50_000 : 200_000; // per contender and pass
const BATCH_NS = (QUICK ? 10 : 50) * 1e6; // each timed batch lasts about this long
const RESULTS_FILE = path.join(RECORDS_DIR, 'DISPATCH-RESULTS.md');

const SENDER = { name: 'server' };
const KWARGS: Kwargs = { request: {}, response: {}, span: {} };
let calls = 0; // the listeners' trivial work
let sink = 0;

function makeListeners(count: number): Listener[] {
  return Array.from({ length: count }, () => (_sender: unknown, _kwargs: unknown) => void calls++);
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

function loopNotifyRobust(signal: Signal<Kwargs>, n: number): number {
  const named = { ...KWARGS, signal };
  const reporting = { where: 'the bench', logger: diag };
  for (let i = 0; i < n; i++) signal._notifyRobust(SENDER, named, reporting);
  return n;
}

function loopMayHaveReceivers(signal: Signal<Kwargs>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) if (signal._mayHaveReceivers(SENDER)) acc++;
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
    const signal = new Signal<Kwargs>();
    const emitter = new EventEmitter();
    listeners.forEach(listener => signal.connect(listener));
    listeners.forEach(listener => emitter.on('event', listener));
    const emit = (n: number) => loopEmit(emitter, n);
    const what = `${count} receiver${count === 1 ? '' : 's'}`;
    cases.push({ name: `send, ${what}`, ours: n => loopSend(signal, n), theirs: emit });
    if (count > 0) cases.push({ name: `sendRobust, ${what}`, ours: n => loopSendRobust(signal, n), theirs: emit });
    if (count > 0) cases.push({ name: `_notifyRobust, ${what}`, ours: n => loopNotifyRobust(signal, n), theirs: emit });
    if (count < 10) {
      const theirs = (n: number) => loopListenerCount(emitter, n);
      cases.push({ name: `hasListeners, ${what}`, ours: n => loopHasListeners(signal, n), theirs });
    }
  }
  return [...cases, ...senderCases()];
}

/** One receiver connected for SENDER, beside one for another sender, as with two servers. */
function senderCases(): Case[] {
  const [listener, other] = makeListeners(2);
  const signal = new Signal<Kwargs>();
  signal.connect(other, { sender: { name: 'another server' } });
  signal.connect(listener, { sender: SENDER });
  const emitter = new EventEmitter();
  emitter.on('event', listener);
  const emit = (n: number) => loopEmit(emitter, n);
  const what = '1 receiver for the sender';
  return [
    { name: `send, ${what}`, ours: n => loopSend(signal, n), theirs: emit },
    { name: `_notifyRobust, ${what}`, ours: n => loopNotifyRobust(signal, n), theirs: emit },
    {
      name: `_mayHaveReceivers, ${what}`,
      ours: n => loopMayHaveReceivers(signal, n),
      theirs: n => loopListenerCount(emitter, n),
    },
  ];
}

/** Nanoseconds: wall time, or with --cpu-time this process's CPU time. */
function now(): bigint {
  if (!CPU_TIME) return process.hrtime.bigint();
  const { user, system } = process.cpuUsage();
  return BigInt(user + system) * 1000n;
}

/** Runs `loop` for `n` iterations and returns ns per iteration. */
function time(loop: Loop, n: number): number {
  const start = now();
  sink += loop(n);
  return Number(now() - start) / n;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}

/** Warms all contenders up (two passes) and sizes each one's batch to BATCH_NS. */
function calibrate(contenders: Loop[]): number[] {
  let nsPerOp: number[] = [];
  for (let pass = 0; pass < 2; pass++) nsPerOp = contenders.map(loop => time(loop, WARMUP_ITERATIONS));
  return nsPerOp.map(ns => Math.max(10_000, Math.round(BATCH_NS / ns)));
}

function measure(cases: Case[]): Result[] {
  const contenders = cases.flatMap(c => [c.ours, c.theirs]); // case i: ours 2i, theirs 2i + 1
  const iterations = calibrate(contenders);
  const samples: number[][] = contenders.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k += 2) {
      const order = round % 2 === 0 ? [k, k + 1] : [k + 1, k];
      for (const j of order) samples[j].push(time(contenders[j], iterations[j]));
    }
  }
  return cases.map((c, i) => ({ name: c.name, ours: median(samples[2 * i]), theirs: median(samples[2 * i + 1]) }));
}

function targets(results: Result[]): string[] {
  const idle = results.find(r => r.name === 'send, 0 receivers')!.ours;
  const lines = ['Targets:', '', `- send, 0 receivers < 10 ns: ${idle.toFixed(1)} ns, ${idle < 10 ? 'met' : 'MISSED'}`];
  const sends = results.filter(r => /^send(Robust)?, \d+ receivers?$/.test(r.name) && !r.name.endsWith(' 0 receivers'));
  for (const r of sends) {
    const ratio = r.ours / r.theirs;
    lines.push(`- ${r.name} <= 1.2x emit: ${ratio.toFixed(2)}x, ${ratio <= 1.2 ? 'met' : 'MISSED'}`);
  }
  return lines;
}

function toMarkdown(results: Result[]): string {
  const row = (r: Result) =>
    `| ${r.name} | ${r.ours.toFixed(1)} | ${r.theirs.toFixed(1)} | ${(r.ours / r.theirs).toFixed(2)} |`;
  return [
    '# Signal dispatch vs EventEmitter',
    '',
    `Node ${process.version}, ${os.cpus()[0].model}, ${new Date().toISOString()}`,
    `${QUICK ? 'Quick' : 'Full'} run, ${CPU_TIME ? 'CPU' : 'wall'} time: median of ${ROUNDS} rounds, ` +
      `~${BATCH_NS / 1e6} ms per contender per round.`,
    '',
    '| case | ns/op | EventEmitter ns/op | ratio |',
    '| --- | ---: | ---: | ---: |',
    ...results.map(row),
    '',
    "EventEmitter column: `emit('event', sender, kwargs)` with the same listeners for the send cases,",
    "`listenerCount('event')` for hasListeners. Ratio = ns/op / EventEmitter ns/op.",
    '',
    ...targets(results),
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
