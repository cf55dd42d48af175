/*
 * The benchmark's server processes: one per variant (bench/servers/<variant>.ts,
 * compiled to build/bench/servers), forked with an IPC channel; the protocol is
 * described in bench/servers/_common.ts. HTTP/2 variants speak the same
 * protocol; their 'requests' are streams.
 */
import { ChildProcess, fork } from 'child_process';
import { once } from 'events';
import * as path from 'path';
import { SERVERS_DIR } from './paths';
import type { DriverMessage, InMemoryPairs, Pairs, ServerStats } from './servers/_common';

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

/** HTTP/2 (h2c), in memory only: bench/servers/h2-<name>.ts, the baseline first. */
export const H2_VARIANTS = ['h2-bare', 'h2-signals-only', 'h2-signals+sdk', 'h2-minimal-span', 'h2-core-signals+sdk'];

/** Node options for servers that measure allocations: gc() and a young generation no batch fills. */
export const ALLOCATION_NODE_OPTIONS = ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128'];
export interface VariantServer {
  variant: string;
  child: ChildProcess;
  url: string;
}

/**
 * VARIANTS and H2_VARIANTS, or the servers named by --only (any server in bench/servers): those named h2-*
 * with h2-bare, the others with bare. A protocol none of whose servers is named gets none.
 */
export function selectedVariants(argv: string[]): { http1: string[]; http2: string[] } {
  const only = argv.find(arg => arg.startsWith('--only='));
  if (only === undefined) return { http1: VARIANTS, http2: H2_VARIANTS };
  const named = only.slice('--only='.length).split(',');
  const withBaseline = (baseline: string, names: string[]) =>
    names.length === 0 ? [] : [...new Set([baseline, ...names])];
  return {
    http1: withBaseline(
      'bare',
      named.filter(name => !name.startsWith('h2-'))
    ),
    http2: withBaseline(
      'h2-bare',
      named.filter(name => name.startsWith('h2-'))
    ),
  };
}

export async function startServer(variant: string, execArgv: string[] = []): Promise<VariantServer> {
  const script = path.join(SERVERS_DIR, `${variant}.js`);
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

async function ask<T>(server: VariantServer, message: DriverMessage): Promise<T> {
  const reply = once(server.child, 'message');
  server.child.send(message);
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
export function allocationPairs(server: VariantServer, requests: number, pairs: number): Promise<Pairs> {
  return ask(server, { allocations: requests, pairs });
}
