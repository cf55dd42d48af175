/*
 * The benchmark's server processes: one per variant (bench/servers/<variant>.js),
 * forked with an IPC channel; the protocol is described in bench/servers/_common.js.
 */
import { ChildProcess, fork } from 'child_process';
import { once } from 'events';
import * as path from 'path';

export const VARIANTS = [
  'bare',
  'signals-only',
  'signals+sdk',
  'signals+sdk-10-receivers',
  'minimal-span',
  'instrumentation-http',
  'instrumentation-http+signals',
];

/** In memory only: its switch adds receivers 2 to 10 instead of the instrumentation (one overhead, paired). */
export const IN_MEMORY_EXTRA_VARIANTS = ['nine-more-receivers'];

export const BENCH_DIR = path.join(__dirname, '..', '..', 'bench');

export interface ServerStats { cpu: NodeJS.CpuUsage; spans: number; receiverCalls: number }
export interface InMemoryPairs { off: number[]; on: number[]; spansPerReq: number; callsPerReq: number }
export interface AllocationPairs { off: number[]; on: number[] }

/** Node options for servers that measure allocations: gc() and a young generation no batch fills. */
export const ALLOCATION_NODE_OPTIONS = ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128'];
export interface VariantServer { variant: string; child: ChildProcess; url: string }

/** VARIANTS, or bare plus the servers named by --only (any file in bench/servers). */
export function selectedVariants(argv: string[]): string[] {
  const only = argv.find(arg => arg.startsWith('--only='));
  return only === undefined ? VARIANTS : [...new Set(['bare', ...only.slice('--only='.length).split(',')])];
}

export async function startServer(variant: string, execArgv: string[] = []): Promise<VariantServer> {
  const script = path.join(BENCH_DIR, 'servers', `${variant}.js`);
  const child = fork(script, [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], execArgv });
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

async function ask<T>(server: VariantServer, message: unknown): Promise<T> {
  const reply = once(server.child, 'message');
  server.child.send(message as object);
  return (await reply)[0] as T;
}

export function serverStats(server: VariantServer): Promise<ServerStats> {
  return ask(server, 'stats');
}

/** `pairs` batches of `requests` with the instrumentation off, and as many with it on, served in memory. */
export function inMemoryPairs(server: VariantServer, requests: number, pairs: number): Promise<InMemoryPairs> {
  return ask(server, { inMemory: requests, pairs });
}

/** Heap bytes allocated per request, instrumentation off and on (a server started with ALLOCATION_NODE_OPTIONS). */
export function allocationPairs(server: VariantServer, requests: number, pairs: number): Promise<AllocationPairs> {
  return ask(server, { allocations: requests, pairs });
}
