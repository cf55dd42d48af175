/*
 * In memory: each variant's server is fed requests through a Duplex stream
 * (bench/servers/_in-memory-load.js), so only the server's own work is timed:
 * Node's parser, the app, and the instrumentation, with no syscall and no
 * client competing for the CPU. Each server switches its instrumentation off
 * and on between batches and reports both, so every overhead is a difference
 * within one process over adjacent batches. This resolves about a
 * microsecond, where the HTTP figures move by tens. A second set of servers,
 * started so that no collection runs during a batch, measures the heap bytes
 * each request allocates, off and on: a figure that hardly moves at all.
 */
import { Spread, Target, fixed, medianAndQuartiles, targetLine } from './stats';
import { VariantServer, allocationPairs, inMemoryPairs } from './variants';

export interface InMemoryOptions {
  rounds: number;
  pairs: number;
  requests: number;
  allocationPairs: number;
  allocationRequests: number;
}

interface VariantFigures {
  off: number[];
  overhead: number[];
  spansPerReq: number;
  callsPerReq: number;
  allocatedOff: number;
  allocatedOverhead: number;
}

const median = (values: number[]) => medianAndQuartiles(values).median;

/** Rows whose overhead is not over bare, so not comparable with the references'. */
const RATIO_LESS = new Set(['bare', 'nine-more-receivers']);

async function collect(servers: VariantServer[], options: InMemoryOptions): Promise<Map<string, VariantFigures>> {
  const figures = new Map<string, VariantFigures>(
    servers.map(server => [
      server.variant,
      { off: [], overhead: [], spansPerReq: NaN, callsPerReq: NaN, allocatedOff: NaN, allocatedOverhead: NaN },
    ])
  );
  for (const server of servers) await inMemoryPairs(server, options.requests, 4); // warm-up
  for (let index = 0; index < options.rounds; index++) {
    const shift = index % servers.length;
    for (const server of [...servers.slice(shift), ...servers.slice(0, shift)]) {
      const pairs = await inMemoryPairs(server, options.requests, options.pairs);
      const mine = figures.get(server.variant)!;
      mine.off.push(...pairs.off);
      mine.overhead.push(...pairs.on.map((on, i) => on - pairs.off[i]));
      mine.spansPerReq = pairs.spansPerReq;
      mine.callsPerReq = pairs.callsPerReq;
      console.log(`in-memory round ${index + 1}/${options.rounds} ${server.variant.padEnd(30)} +${median(pairs.on.map((on, i) => on - pairs.off[i])).toFixed(1)} µs/req`);
    }
  }
  return figures;
}

async function collectAllocations(
  allocationServers: VariantServer[],
  figures: Map<string, VariantFigures>,
  options: InMemoryOptions
): Promise<void> {
  for (const server of allocationServers) {
    await allocationPairs(server, options.allocationRequests, 2); // warm-up
    const pairs = await allocationPairs(server, options.allocationRequests, options.allocationPairs);
    const mine = figures.get(server.variant)!;
    mine.allocatedOff = median(pairs.off);
    mine.allocatedOverhead = median(pairs.on.map((on, i) => on - pairs.off[i]));
    console.log(`allocations ${server.variant.padEnd(30)} +${mine.allocatedOverhead.toFixed(0)} B/req`);
  }
}

function overheadOf(figures: Map<string, VariantFigures>, variant: string): number {
  return median(figures.get(variant)?.overhead ?? []);
}

function tableRow(variant: string, figures: Map<string, VariantFigures>): string {
  const mine = figures.get(variant)!;
  const spread = medianAndQuartiles(mine.overhead);
  const cells = [
    variant,
    fixed(median(mine.off), 1),
    `${fixed(spread.median, 2)} (${fixed(spread.low, 1)} to ${fixed(spread.high, 1)})`,
    ...(RATIO_LESS.has(variant) ? ['—', '—'] : [
      fixed(spread.median / overheadOf(figures, 'minimal-span'), 2),
      fixed(spread.median / overheadOf(figures, 'instrumentation-http'), 2),
    ]),
    fixed(mine.allocatedOff, 0),
    fixed(mine.allocatedOverhead, 0),
    fixed(mine.spansPerReq, 2),
    fixed(mine.callsPerReq, 1),
  ];
  return `| ${cells.join(' | ')} |`;
}

function targetFigures(figures: Map<string, VariantFigures>): Array<[Target, Spread]> {
  const quartiles = (variant: string) => medianAndQuartiles(figures.get(variant)?.overhead ?? []);
  const ratio = (variant: string, reference: string): Spread => {
    const mine = quartiles(variant);
    const theirs = overheadOf(figures, reference);
    return { median: mine.median / theirs, low: mine.low / theirs, high: mine.high / theirs };
  };
  return [
    [{ name: 'signals-only overhead over bare (µs/req)', limit: 0.5 }, quartiles('signals-only')],
    [{ name: 'signals+sdk overhead / minimal-span overhead', limit: 1.25 }, ratio('signals+sdk', 'minimal-span')],
    [{ name: 'signals+sdk overhead / instrumentation-http overhead', limit: 0.3 }, ratio('signals+sdk', 'instrumentation-http')],
    [{ name: '10 receivers minus 1 receiver (µs/req)', limit: 1 }, quartiles('nine-more-receivers')],
  ];
}

function report(variants: string[], figures: Map<string, VariantFigures>, options: InMemoryOptions): string {
  return [
    '## In memory (server work only)',
    '',
    `${options.rounds} rounds; in each, every variant serves ${options.pairs} pairs of batches of ${options.requests} requests,`,
    'one batch with its instrumentation off and one with it on, in alternating order. Overhead = on − off of a pair',
    '(median, and quartiles over all pairs); bare has nothing to switch, so its row is the noise floor.',
    'nine-more-receivers is signals+sdk whose switch connects receivers 2 to 10 to each signal instead: its',
    'overhead is what ten receivers per signal cost over one.',
    'Ratios are of medians. spans/req and receiver calls/req count the batches with the instrumentation on.',
    `Allocated: heap bytes per request, median over ${options.allocationPairs} pairs of batches of ${options.allocationRequests} requests,`,
    'in servers started with `--expose-gc` and a 128 MB semi-space, so that no collection runs during a batch.',
    '',
    '| variant | CPU µs/req, off | overhead µs/req (quartiles) | x minimal-span overhead | x instrumentation-http overhead | allocated B/req, off | allocated B/req, overhead | spans/req | receiver calls/req |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...variants.map(variant => tableRow(variant, figures)),
    '',
    'Targets, in memory (the ratio\'s range is the variant\'s quartiles over the reference\'s median):',
    '',
    ...targetFigures(figures).map(([target, spread]) => targetLine(target, spread, 'quartiles')),
    '',
  ].join('\n');
}

/** Runs the in-memory rounds, then the allocation pairs; returns the Markdown section. */
export async function benchInMemory(
  servers: VariantServer[],
  allocationServers: VariantServer[],
  options: InMemoryOptions
): Promise<string> {
  const figures = await collect(servers, options);
  await collectAllocations(allocationServers, figures, options);
  return report(servers.map(server => server.variant), figures, options);
}
