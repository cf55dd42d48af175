/*
 * Per-request overhead of each variant (bench/servers/<variant>.ts), measured
 * two ways: in memory (bench/in-memory.ts, precise: server work only) and over
 * HTTP with autocannon (bench/http.ts, the whole picture, noisy here); then
 * per-stream overhead on HTTP/2 (bench/servers/h2-*.ts), in memory.
 *
 *   npm run bench                                    # full: all three, writes bench/RESULTS.md
 *   npm run bench -- --quick                         # shorter rounds, under a minute, RESULTS.md untouched
 *   npm run bench -- --only=signals+sdk,minimal-span # bare + these servers, RESULTS.md untouched
 *   npm run bench -- --only=h2-signals+sdk           # h2-bare + these HTTP/2 servers, RESULTS.md untouched
 *   npm run bench -- --in-memory-only | --http-only  # one of the two (HTTP/2 is in memory), RESULTS.md untouched
 */
import { writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchHttp } from './http';
import { InMemoryOptions, InMemorySection, benchInMemory } from './in-memory';
import { HTTP1_SECTION, HTTP2_SECTION } from './in-memory-sections';
import { RECORDS_DIR } from './paths';
import {
  ALLOCATION_NODE_OPTIONS,
  H2_VARIANTS,
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
const RESULTS_FILE = path.join(RECORDS_DIR, 'RESULTS.md');

const IN_MEMORY_OPTIONS = QUICK
  ? { rounds: 2, pairs: 6, requests: 500, allocationPairs: 2, allocationRequests: 1000 }
  : { rounds: 5, pairs: 30, requests: 500, allocationPairs: 9, allocationRequests: 2000 };
const H2_IN_MEMORY_OPTIONS = QUICK
  ? { rounds: 1, pairs: 5, requests: 500, allocationPairs: 2, allocationRequests: 1000 }
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
  throw failure.reason;
}

function stopServers(servers: VariantServer[]): void {
  for (const server of servers) server.child.kill();
}

async function inMemorySection(
  section: InMemorySection,
  servers: VariantServer[],
  extraVariants: string[],
  options: InMemoryOptions
): Promise<string> {
  const extra = await startServers(extraVariants);
  const all = [...servers, ...extra];
  try {
    const allocationServers = await startServers(
      all.map(server => server.variant),
      ALLOCATION_NODE_OPTIONS
    );
    try {
      return await benchInMemory(section, all, allocationServers, options);
    } finally {
      stopServers(allocationServers);
    }
  } finally {
    stopServers(extra);
  }
}

/** The HTTP/1 sections: in memory, then over HTTP. */
async function http1Sections(variants: string[]): Promise<string[]> {
  if (variants.length === 0) return [];
  const servers = await startServers(variants);
  try {
    const sections: string[] = [];
    const extra = variants === VARIANTS ? IN_MEMORY_EXTRA_VARIANTS : [];
    if (IN_MEMORY) sections.push(await inMemorySection(HTTP1_SECTION, servers, extra, IN_MEMORY_OPTIONS));
    if (HTTP) sections.push(await benchHttp(servers, HTTP_OPTIONS));
    return sections;
  } finally {
    stopServers(servers);
  }
}

/** The HTTP/2 section, in memory only. */
async function http2Sections(variants: string[]): Promise<string[]> {
  if (variants.length === 0 || !IN_MEMORY) return [];
  const servers = await startServers(variants);
  try {
    return [await inMemorySection(HTTP2_SECTION, servers, [], H2_IN_MEMORY_OPTIONS)];
  } finally {
    stopServers(servers);
  }
}

async function main(): Promise<void> {
  const variants = selectedVariants(argv);
  const loadBefore = os.loadavg();
  const sections = [...(await http1Sections(variants.http1)), ...(await http2Sections(variants.http2))];
  const markdown = [
    header(loadBefore),
    ...sections,
    'Reproduce with `npm run bench` (or `npm run bench -- --quick`); bench/NOTES.md has the analysis.',
    '',
  ].join('\n');
  console.log(`\n${markdown}`);
  const fullSet = variants.http1 === VARIANTS && variants.http2 === H2_VARIANTS;
  if (QUICK || !fullSet || !IN_MEMORY || !HTTP) return;
  writeFileSync(RESULTS_FILE, markdown);
  console.log(`written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
