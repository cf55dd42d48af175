/*
 * Per-request overhead of each variant (bench/servers/<variant>.js), measured
 * two ways: in memory (bench/in-memory.ts, precise: server work only) and over
 * HTTP with autocannon (bench/http.ts, the whole picture, noisy here).
 *
 *   npm run bench                                    # full: both, writes bench/RESULTS.md
 *   npm run bench -- --quick                         # shorter rounds, under a minute, RESULTS.md untouched
 *   npm run bench -- --only=signals+sdk,minimal-span # bare + these servers, RESULTS.md untouched
 *   npm run bench -- --in-memory-only | --http-only  # one of the two, RESULTS.md untouched
 */
import { writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchHttp } from './http';
import { benchInMemory } from './in-memory';
import {
  ALLOCATION_NODE_OPTIONS,
  BENCH_DIR,
  IN_MEMORY_EXTRA_VARIANTS,
  VARIANTS,
  VariantServer,
  selectedVariants,
  startServer,
} from './variants';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const IN_MEMORY = !argv.includes('--http-only');
const HTTP = !argv.includes('--in-memory-only');
const RESULTS_FILE = path.join(BENCH_DIR, 'RESULTS.md');

const IN_MEMORY_OPTIONS = QUICK
  ? { rounds: 2, pairs: 6, requests: 500, allocationPairs: 2, allocationRequests: 1000 }
  : { rounds: 5, pairs: 30, requests: 500, allocationPairs: 9, allocationRequests: 2000 };
const HTTP_OPTIONS = QUICK
  ? { rounds: 2, requests: 1_000, warmupRequests: 300 }
  : { rounds: 5, requests: 20_000, warmupRequests: 10_000 };

function header(loadBefore: number[]): string {
  const loadavg = (values: number[]) => values.map(v => v.toFixed(1)).join(' ');
  return [
    '# Per-request overhead',
    '',
    `${new Date().toISOString()}, ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}, ` +
      `load average ${loadavg(loadBefore)} before, ${loadavg(os.loadavg())} after; ${QUICK ? 'quick' : 'full'} run.`,
    '',
  ].join('\n');
}

async function startServers(variants: string[], execArgv?: string[]): Promise<VariantServer[]> {
  const started = await Promise.allSettled(variants.map(variant => startServer(variant, execArgv)));
  const servers = started.flatMap(result => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find(result => result.status === 'rejected');
  if (failure === undefined) return servers;
  stopServers(servers);
  throw (failure as PromiseRejectedResult).reason;
}

function stopServers(servers: VariantServer[]): void {
  for (const server of servers) server.child.kill();
}

async function inMemorySection(servers: VariantServer[], fullSet: boolean): Promise<string> {
  const extra = fullSet ? await startServers(IN_MEMORY_EXTRA_VARIANTS) : [];
  const all = [...servers, ...extra];
  try {
    const allocationServers = await startServers(all.map(server => server.variant), ALLOCATION_NODE_OPTIONS);
    try {
      return await benchInMemory(all, allocationServers, IN_MEMORY_OPTIONS);
    } finally {
      stopServers(allocationServers);
    }
  } finally {
    stopServers(extra);
  }
}

async function main(): Promise<void> {
  const variants = selectedVariants(argv);
  const loadBefore = os.loadavg();
  const servers = await startServers(variants);
  try {
    const sections: string[] = [];
    if (IN_MEMORY) sections.push(await inMemorySection(servers, variants === VARIANTS));
    if (HTTP) sections.push(await benchHttp(servers, HTTP_OPTIONS));
    const markdown = [
      header(loadBefore),
      ...sections,
      'Reproduce with `npm run bench` (or `npm run bench -- --quick`); bench/NOTES.md has the analysis.',
      '',
    ].join('\n');
    console.log(`\n${markdown}`);
    if (QUICK || variants !== VARIANTS || !IN_MEMORY || !HTTP) return;
    writeFileSync(RESULTS_FILE, markdown);
    console.log(`written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  } finally {
    stopServers(servers);
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
