/*
 * In memory: each variant's server is fed requests through a Duplex stream
 * (bench/servers/_in-memory-load.ts; HTTP/2 streams: _h2-in-memory-load.ts),
 * so only the server's own work is timed: Node's parser, the app, and the
 * instrumentation, with no syscall and no client competing for the CPU. Each
 * server switches its instrumentation off and on between batches and reports
 * both, so every overhead is a difference within one process over adjacent
 * batches. This resolves about a microsecond, where the HTTP figures move by
 * tens. A second set of servers, started so that no collection runs during a
 * batch, measures the heap bytes each request allocates, off and on: a figure
 * that hardly moves at all. What a section reports (its references, targets
 * and wording) is an InMemorySection (bench/in-memory-sections.ts).
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

export interface VariantFigures {
  off: number[];
  overhead: number[];
  spansPerReq: number;
  callsPerReq: number;
  allocatedOff: number;
  allocatedOverhead: number;
}

export type Figures = Map<string, VariantFigures>;

/** One report: HTTP/1 requests, or HTTP/2 streams. */
export interface InMemorySection {
  title: string;
  /** What one unit of load is, plural ('requests', 'streams'), and its short form in column names ('req'). */
  units: string;
  unit: string;
  /** The variants whose overheads the others are divided by, one column each. */
  references: string[];
  /** Rows whose overhead is not over bare, so not comparable with the references'. */
  ratioLess: Set<string>;
  /** Lines after the method's description: what the variants are. */
  notes: string[];
  targets: (figures: Figures) => Array<[Target, Spread]>;
}

export const median = (values: number[]) => medianAndQuartiles(values).median;

async function collect(servers: VariantServer[], options: InMemoryOptions, unit: string): Promise<Figures> {
  const figures: Figures = new Map(
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
      console.log(
        `in-memory round ${index + 1}/${options.rounds} ${server.variant.padEnd(30)} +${median(pairs.on.map((on, i) => on - pairs.off[i])).toFixed(1)} µs/${unit}`
      );
    }
  }
  return figures;
}

async function collectAllocations(
  allocationServers: VariantServer[],
  figures: Figures,
  options: InMemoryOptions,
  unit: string
): Promise<void> {
  for (const server of allocationServers) {
    await allocationPairs(server, options.allocationRequests, 2); // warm-up
    const pairs = await allocationPairs(server, options.allocationRequests, options.allocationPairs);
    const mine = figures.get(server.variant)!;
    mine.allocatedOff = median(pairs.off);
    mine.allocatedOverhead = median(pairs.on.map((on, i) => on - pairs.off[i]));
    console.log(`allocations ${server.variant.padEnd(30)} +${mine.allocatedOverhead.toFixed(0)} B/${unit}`);
  }
}

export function overheadOf(figures: Figures, variant: string): number {
  return median(figures.get(variant)?.overhead ?? []);
}

/** The variant's overhead quartiles. */
export function quartilesOf(figures: Figures, variant: string): Spread {
  return medianAndQuartiles(figures.get(variant)?.overhead ?? []);
}

/** The variant's overhead quartiles over the reference's median overhead. */
export function ratioOf(figures: Figures, variant: string, reference: string): Spread {
  const mine = quartilesOf(figures, variant);
  const theirs = overheadOf(figures, reference);
  return { median: mine.median / theirs, low: mine.low / theirs, high: mine.high / theirs };
}

function tableRow(section: InMemorySection, variant: string, figures: Figures): string {
  const mine = figures.get(variant)!;
  const spread = medianAndQuartiles(mine.overhead);
  const cells = [
    variant,
    fixed(median(mine.off), 1),
    `${fixed(spread.median, 2)} (${fixed(spread.low, 1)} to ${fixed(spread.high, 1)})`,
    ...section.references.map(reference =>
      section.ratioLess.has(variant) ? '—' : fixed(spread.median / overheadOf(figures, reference), 2)
    ),
    fixed(mine.allocatedOff, 0),
    fixed(mine.allocatedOverhead, 0),
    fixed(mine.spansPerReq, 2),
    fixed(mine.callsPerReq, 1),
  ];
  return `| ${cells.join(' | ')} |`;
}

function tableHeader(section: InMemorySection): string[] {
  const unit = section.unit;
  const columns = [
    'variant',
    `CPU µs/${unit}, off`,
    `overhead µs/${unit} (quartiles)`,
    ...section.references.map(reference => `x ${reference} overhead`),
    `allocated B/${unit}, off`,
    `allocated B/${unit}, overhead`,
    `spans/${unit}`,
    `receiver calls/${unit}`,
  ];
  return [`| ${columns.join(' | ')} |`, `| --- |${' ---: |'.repeat(columns.length - 1)}`];
}

function report(section: InMemorySection, variants: string[], figures: Figures, options: InMemoryOptions): string {
  const unit = section.unit;
  return [
    section.title,
    '',
    `${options.rounds} rounds; in each, every variant serves ${options.pairs} pairs of batches of ${options.requests} ${section.units},`,
    'one batch with its instrumentation off and one with it on, in alternating order. Overhead = on − off of a pair',
    `(median, and quartiles over all pairs); ${variants[0]} has nothing to switch, so its row is the noise floor.`,
    ...section.notes,
    `Ratios are of medians. spans/${unit} and receiver calls/${unit} count the batches with the instrumentation on.`,
    `Allocated: heap bytes per ${section.units.replace(/s$/, '')}, median over ${options.allocationPairs} pairs of batches of ${options.allocationRequests} ${section.units},`,
    'in servers started with `--expose-gc` and a 128 MB semi-space, so that no collection runs during a batch.',
    '',
    ...tableHeader(section),
    ...variants.map(variant => tableRow(section, variant, figures)),
    '',
    "Targets, in memory (the ratio's range is the variant's quartiles over the reference's median):",
    '',
    ...section.targets(figures).map(([target, spread]) => targetLine(target, spread, 'quartiles')),
    '',
  ].join('\n');
}

/** Runs the in-memory rounds, then the allocation pairs; returns the Markdown section. */
export async function benchInMemory(
  section: InMemorySection,
  servers: VariantServer[],
  allocationServers: VariantServer[],
  options: InMemoryOptions
): Promise<string> {
  const figures = await collect(servers, options, section.unit);
  await collectAllocations(allocationServers, figures, options, section.unit);
  return report(
    section,
    servers.map(server => server.variant),
    figures,
    options
  );
}
