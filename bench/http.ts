/*
 * HTTP server benchmark: server CPU time per request, per variant.
 *
 *   npm run bench                                    # full: 5 rounds x 20000 requests
 *   npm run bench -- --quick                         # 2 rounds x 2000 requests, < 1 min
 *   npm run bench -- --only=signals+sdk,minimal-span # bare + these servers, RESULTS.md untouched
 *
 * Each variant is a child process (bench/servers/<variant>.js) answering 'ok'.
 * All are started and warmed up first; each round then loads every variant
 * once with autocannon (16 connections, a fixed number of requests), in an
 * order rotated per round. Around each load the child reports its own
 * process.cpuUsage(); the delta (user + system) per request served is the
 * figure that matters, since the client shares the machine. Overheads are
 * taken against bare within the same round; medians over rounds are reported.
 */
import { ChildProcess, fork } from 'child_process';
import { EventEmitter, once } from 'events';
import { writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

interface CannonResult { requests: { total: number }; errors: number; non2xx: number }
type Autocannon = (options: object, done: (error: Error | null, result: CannonResult) => void) => EventEmitter;
const autocannon: Autocannon = require('autocannon');

interface ServerStats { cpu: NodeJS.CpuUsage; spans: number; receiverCalls: number }
interface Server { variant: string; child: ChildProcess; url: string }
interface Sample { cpuUs: number; rps: number; p50: number; p99: number; spansPerReq: number; callsPerReq: number }
type Round = Map<string, Sample>;

const VARIANTS = [
  'bare',
  'signals-only',
  'signals+sdk',
  'signals+sdk-10-receivers',
  'minimal-span',
  'instrumentation-http',
  'instrumentation-http+signals',
];
const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 2 : 5;
const REQUESTS = QUICK ? 2_000 : 20_000;
const WARMUP_REQUESTS = QUICK ? 500 : 10_000;
const CONNECTIONS = 16;
const BENCH_DIR = path.join(__dirname, '..', '..', 'bench');
const RESULTS_FILE = path.join(BENCH_DIR, 'RESULTS.md');

/** VARIANTS, or bare plus the servers named by --only (any file in bench/servers). */
function selectedVariants(): string[] {
  const only = process.argv.find(arg => arg.startsWith('--only='));
  return only === undefined ? VARIANTS : [...new Set(['bare', ...only.slice('--only='.length).split(',')])];
}

async function startServer(variant: string): Promise<Server> {
  const script = path.join(BENCH_DIR, 'servers', `${variant}.js`);
  const child = fork(script, [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const firstLine = new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', chunk => {
      output += chunk;
      if (output.includes('\n')) resolve(output.slice(0, output.indexOf('\n')));
    });
    child.once('exit', code => reject(new Error(`${variant} exited (${code}) before printing its port`)));
  });
  const port = Number.parseInt(await firstLine, 10);
  return { variant, child, url: `http://127.0.0.1:${port}/` };
}

async function serverStats(server: Server): Promise<ServerStats> {
  const reply = once(server.child, 'message');
  server.child.send('stats');
  return (await reply)[0] as ServerStats;
}

/** `amount` requests; every latency is kept (autocannon's own histogram has 1 ms steps). */
function load(server: Server, amount: number): Promise<{ served: number; latenciesMs: number[] }> {
  return new Promise((resolve, reject) => {
    const latenciesMs: number[] = [];
    const instance = autocannon({ url: server.url, connections: CONNECTIONS, amount }, (error, result) => {
      if (error) return reject(error);
      if (result.errors > 0 || result.non2xx > 0) {
        return reject(new Error(`${server.variant}: ${result.errors} errors, ${result.non2xx} non-2xx responses`));
      }
      resolve({ served: result.requests.total, latenciesMs });
    });
    instance.on('response', (_client, _status, _bytes, responseTimeMs: number) => latenciesMs.push(responseTimeMs));
  });
}

async function measure(server: Server): Promise<Sample> {
  const before = await serverStats(server);
  const started = performance.now();
  const { served, latenciesMs } = await load(server, REQUESTS);
  const seconds = (performance.now() - started) / 1000;
  const after = await serverStats(server);
  const cpuUs = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
  latenciesMs.sort((a, b) => a - b);
  return {
    cpuUs: cpuUs / served,
    rps: served / seconds,
    p50: latenciesMs[Math.floor(0.5 * latenciesMs.length)],
    p99: latenciesMs[Math.floor(0.99 * latenciesMs.length)],
    spansPerReq: (after.spans - before.spans) / served,
    callsPerReq: (after.receiverCalls - before.receiverCalls) / served,
  };
}

async function runRound(servers: Server[], index: number): Promise<Round> {
  const round: Round = new Map();
  const shift = index % servers.length;
  for (const server of [...servers.slice(shift), ...servers.slice(0, shift)]) {
    const sample = await measure(server);
    round.set(server.variant, sample);
    console.log(`round ${index + 1}/${ROUNDS} ${server.variant.padEnd(30)} ${sample.cpuUs.toFixed(1)} µs/req, ${Math.round(sample.rps)} req/s`);
  }
  return round;
}

/** Median, min and max of one figure over the rounds (NaN where a variant is missing). */
function stats(rounds: Round[], figure: (round: Round) => number): { median: number; min: number; max: number } {
  const sorted = rounds.map(figure).filter(Number.isFinite).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

const cpu = (round: Round, variant: string) => round.get(variant)?.cpuUs ?? NaN;
const overhead = (round: Round, variant: string) => cpu(round, variant) - cpu(round, 'bare');
const ratio = (round: Round, variant: string, reference: string) => overhead(round, variant) / overhead(round, reference);
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function tableRow(variant: string, rounds: Round[]): string {
  const of = (pick: (s: Sample) => number, digits: number) => fixed(stats(rounds, r => pick(r.get(variant)!)).median, digits);
  const extra = stats(rounds, r => overhead(r, variant));
  const overheadCells = variant === 'bare' ? ['—', '—', '—'] : [
    `${fixed(extra.median, 1)} (${fixed(extra.min, 1)} to ${fixed(extra.max, 1)})`,
    fixed(stats(rounds, r => ratio(r, variant, 'minimal-span')).median, 2),
    fixed(stats(rounds, r => ratio(r, variant, 'instrumentation-http')).median, 2),
  ];
  const cells = [variant, of(s => s.cpuUs, 1), ...overheadCells, of(s => s.rps, 0), of(s => s.p50, 2), of(s => s.p99, 2),
    of(s => s.spansPerReq, 2), of(s => s.callsPerReq, 1)];
  return `| ${cells.join(' | ')} |`;
}

/** The targets, each a figure per round (median and range reported) and its limit. */
const TARGETS: Array<[string, (round: Round) => number, number]> = [
  ['signals-only overhead over bare (µs/req)', r => overhead(r, 'signals-only'), 0.5],
  ['signals+sdk overhead / minimal-span overhead', r => ratio(r, 'signals+sdk', 'minimal-span'), 1.25],
  ['signals+sdk overhead / instrumentation-http overhead', r => ratio(r, 'signals+sdk', 'instrumentation-http'), 0.3],
  ['10 receivers minus 1 receiver (µs/req)', r => cpu(r, 'signals+sdk-10-receivers') - cpu(r, 'signals+sdk'), 1],
];

function targetLine([name, figure, limit]: (typeof TARGETS)[number], rounds: Round[]): string {
  const { median, min, max } = stats(rounds, figure);
  const verdict = !Number.isFinite(median) ? 'not measured' : median <= limit ? 'met' : 'MISSED';
  return `- ${name} ≤ ${limit}: ${fixed(median, 2)} (rounds: ${fixed(min, 2)} to ${fixed(max, 2)}), ${verdict}`;
}

function report(variants: string[], rounds: Round[], loadBefore: number[]): string {
  const loadavg = (values: number[]) => values.map(v => v.toFixed(1)).join(' ');
  return [
    '# HTTP server overhead',
    '',
    `${new Date().toISOString()}, ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}, ` +
      `load average ${loadavg(loadBefore)} before, ${loadavg(os.loadavg())} after`,
    `${QUICK ? 'quick' : 'full'} run: ${ROUNDS} rounds x ${REQUESTS} requests over ${CONNECTIONS} connections, medians over rounds.`,
    'Server CPU = the server process\'s own process.cpuUsage() (user + system) per request. Overheads and ratios are',
    'taken within each round (variant − bare of the same round); the overhead column also shows the range over rounds.',
    '',
    '| variant | server CPU µs/req | overhead µs/req (range) | x minimal-span overhead | x instrumentation-http overhead | req/s | p50 ms | p99 ms | spans/req | receiver calls/req |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...variants.map(variant => tableRow(variant, rounds)),
    '',
    'Targets:',
    '',
    ...TARGETS.map(target => targetLine(target, rounds)),
    '',
    'Reproduce with `npm run bench` (or `npm run bench -- --quick`); bench/NOTES.md has the analysis.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const variants = selectedVariants();
  const loadBefore = os.loadavg();
  const started = await Promise.allSettled(variants.map(startServer));
  const servers = started.flatMap(result => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    for (const server of servers) await load(server, WARMUP_REQUESTS);
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await runRound(servers, i));
    const markdown = report(variants, rounds, loadBefore);
    console.log(`\n${markdown}`);
    if (variants !== VARIANTS) return;
    writeFileSync(RESULTS_FILE, markdown);
    console.log(`written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  } finally {
    for (const server of servers) server.child.kill();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
