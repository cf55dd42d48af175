/*
 * Over the network: server CPU time per request while autocannon (16
 * connections, loopback) drives each variant. Each round loads every variant
 * once, in an order rotated per round; around each load the server reports
 * its own process.cpuUsage(), and the delta (user + system) per request served
 * is the figure that matters, since the client shares the machine. Overheads
 * are taken against bare within the same round; medians over rounds.
 */
import { EventEmitter } from 'events';
import { Spread, Target, fixed, medianAndRange, targetLine } from './stats';
import { VariantServer, serverStats } from './variants';

interface CannonResult {
  requests: { total: number };
  errors: number;
  non2xx: number;
}
type Autocannon = (options: object, done: (error: Error | null, result: CannonResult) => void) => EventEmitter;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- autocannon ships no types: this line gives it one
const autocannon = require('autocannon') as Autocannon;

export interface HttpOptions {
  rounds: number;
  requests: number;
  warmupRequests: number;
}
interface Sample {
  cpuUs: number;
  rps: number;
  p50: number;
  p99: number;
  spansPerReq: number;
  callsPerReq: number;
}
type Round = Map<string, Sample>;

const CONNECTIONS = 16;

/** `amount` requests; every latency is kept (autocannon's own histogram has 1 ms steps). */
function load(server: VariantServer, amount: number): Promise<{ served: number; latenciesMs: number[] }> {
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

async function measure(server: VariantServer, requests: number): Promise<Sample> {
  const before = await serverStats(server);
  const started = performance.now();
  const { served, latenciesMs } = await load(server, requests);
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

const cpu = (round: Round, variant: string) => round.get(variant)?.cpuUs ?? NaN;
const overhead = (round: Round, variant: string) => cpu(round, variant) - cpu(round, 'bare');
const ratio = (round: Round, variant: string, reference: string) =>
  overhead(round, variant) / overhead(round, reference);

function tableRow(variant: string, rounds: Round[]): string {
  const of = (pick: (s: Sample) => number, digits: number) =>
    fixed(medianAndRange(rounds.map(r => pick(r.get(variant)!))).median, digits);
  const extra = medianAndRange(rounds.map(r => overhead(r, variant)));
  const overheadCells =
    variant === 'bare'
      ? ['—', '—', '—']
      : [
          `${fixed(extra.median, 1)} (${fixed(extra.low, 1)} to ${fixed(extra.high, 1)})`,
          fixed(medianAndRange(rounds.map(r => ratio(r, variant, 'minimal-span'))).median, 2),
          fixed(medianAndRange(rounds.map(r => ratio(r, variant, 'instrumentation-http'))).median, 2),
        ];
  const cells = [
    variant,
    of(s => s.cpuUs, 1),
    ...overheadCells,
    of(s => s.rps, 0),
    of(s => s.p50, 2),
    of(s => s.p99, 2),
    of(s => s.spansPerReq, 2),
    of(s => s.callsPerReq, 1),
  ];
  return `| ${cells.join(' | ')} |`;
}

export function httpTargetFigures(rounds: Round[]): Array<[Target, Spread]> {
  const over = (figure: (round: Round) => number) => medianAndRange(rounds.map(figure));
  return [
    [{ name: 'signals-only overhead over bare (µs/req)', limit: 0.5 }, over(r => overhead(r, 'signals-only'))],
    [
      { name: 'signals+sdk overhead / minimal-span overhead', limit: 1.25 },
      over(r => ratio(r, 'signals+sdk', 'minimal-span')),
    ],
    [
      { name: 'signals+sdk overhead / instrumentation-http overhead', limit: 0.3 },
      over(r => ratio(r, 'signals+sdk', 'instrumentation-http')),
    ],
    [
      { name: '10 receivers minus 1 receiver (µs/req)', limit: 1 },
      over(r => cpu(r, 'signals+sdk-10-receivers') - cpu(r, 'signals+sdk')),
    ],
  ];
}

function report(variants: string[], rounds: Round[], options: HttpOptions): string {
  return [
    '## Over HTTP (autocannon)',
    '',
    `${options.rounds} rounds x ${options.requests} requests over ${CONNECTIONS} connections, medians over rounds.`,
    "Server CPU = the server process's own process.cpuUsage() (user + system) per request. Overheads and ratios are",
    'taken within each round (variant − bare of the same round); the overhead column also shows the range over rounds.',
    '',
    '| variant | server CPU µs/req | overhead µs/req (range) | x minimal-span overhead | x instrumentation-http overhead | req/s | p50 ms | p99 ms | spans/req | receiver calls/req |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...variants.map(variant => tableRow(variant, rounds)),
    '',
    'Targets, over HTTP:',
    '',
    ...httpTargetFigures(rounds).map(([target, spread]) => targetLine(target, spread, 'rounds:')),
    '',
  ].join('\n');
}

/** Runs the HTTP rounds; returns the Markdown section. */
export async function benchHttp(servers: VariantServer[], options: HttpOptions): Promise<string> {
  for (const server of servers) await load(server, options.warmupRequests);
  const rounds: Round[] = [];
  for (let index = 0; index < options.rounds; index++) {
    const round: Round = new Map();
    const shift = index % servers.length;
    for (const server of [...servers.slice(shift), ...servers.slice(0, shift)]) {
      const sample = await measure(server, options.requests);
      round.set(server.variant, sample);
      console.log(
        `http round ${index + 1}/${options.rounds} ${server.variant.padEnd(30)} ${sample.cpuUs.toFixed(1)} µs/req, ${Math.round(sample.rps)} req/s`
      );
    }
    rounds.push(round);
  }
  return report(
    servers.map(server => server.variant),
    rounds,
    options
  );
}
