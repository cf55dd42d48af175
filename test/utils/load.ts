/*
 * Load for the reliability suites: a child-process server under test
 * (test/fixtures/soak-server.js) and loopback clients of every shape a
 * production server meets. Everything talks to 127.0.0.1 only.
 */
import * as http from 'http';
import * as net from 'net';
import { RequestCounts, forkSoakServer } from './soak-process';

// ---- a deterministic random source -----------------------------------------

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A positive integer from the environment, else the default. */
export function envCount(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

// ---- the server under test ---------------------------------------------------

export interface FixtureOptions {
  bare?: boolean;
  exporter?: 'count' | 'none' | 'hang' | 'fail' | 'otlp-refused' | 'otlp-blackhole';
  maxQueueSize?: number;
  scheduledDelayMillis?: number;
  record?: boolean;
  /** A scratch copy of the package to load instead of this one (to prove a test can fail). */
  package?: string;
  /** Disable / enable (and setConfig) the instrumentation this often while the load runs. */
  toggleEveryMs?: number;
  /** events.captureRejections in the server process (default true). */
  captureRejections?: boolean;
  /** The instrumentation's configuration (JSON-serialisable options only). */
  config?: Record<string, unknown>;
}

export interface ServerCounts extends RequestCounts {
  exported: number;
  exportCalls: number;
  upgrades: number;
  serverErrors: number;
  lazyThenRan: number;
  uncaughtOriginal: number;
  unhandledOriginal: number;
  diagErrors: number;
  receiverFailuresPlanned: number;
  environErrors: number;
}

export interface ServerReport {
  counts: ServerCounts;
  /** http.server.active_requests summed over its series, and the number of http.server.request.duration records. */
  metrics?: { activeRequests: number; durations: number };
  uncaughtSamples: string[];
  diagSamples: string[];
  records?: FuzzRecord[];
  queued?: number;
}

export interface FuzzRecord {
  url?: string;
  method?: string;
  environ?: Record<string, string>;
  spanId?: string;
  span?: {
    name: string;
    traceId: string;
    spanId: string;
    parentSpanId?: string;
    attributes: Record<string, unknown>;
    status: { code: number; message?: string };
    events: Array<{ name: string; attributes?: Record<string, unknown> }>;
  };
}

export interface HeapSample {
  heapUsed: number;
  external: number;
  rss: number;
  spaces: Record<string, number>;
  queued?: number;
}

/** The heap's data: everything but compiled code, which the JIT keeps adding to for a while. */
export function dataHeap(sample: HeapSample): number {
  return sample.heapUsed - (sample.spaces.code_space ?? 0) - (sample.spaces.code_large_object_space ?? 0);
}

export interface Fixture {
  port: number;
  report(): Promise<ServerReport>;
  heap(): Promise<HeapSample>;
  /** Whether the process is still running (it must never crash). */
  alive: () => boolean;
  stop: () => Promise<void>;
  stderr: () => string;
}

export async function startFixture(options: FixtureOptions = {}): Promise<Fixture> {
  // SOAK_PACKAGE: run every fixture of these suites against a scratch copy of the package.
  options = { ...options, package: options.package ?? (process.env.SOAK_PACKAGE || undefined) };
  // No bytecode flushing: V8 drops the bytecode of functions unused for a few GCs, which would
  // make the heap after phase A look bigger than after phase B and hide a leak that size.
  const server = await forkSoakServer<{ port: number }>('soak-server.js', options, [
    '--expose-gc',
    '--no-flush-bytecode',
  ]);
  return {
    port: server.listening.port,
    report: () => server.call<ServerReport>('report'),
    heap: () => server.call<HeapSample>('gc'),
    alive: server.alive,
    stderr: server.stderr,
    stop: server.stop,
  };
}

// ---- clients ---------------------------------------------------------------

/** The shapes of client the soak mixes. Each unit sends one request, except `pipeline`. */
export type UnitKind =
  | 'keepAlive'
  | 'fresh'
  | 'pipeline'
  | 'stream'
  | 'slow'
  | 'abort'
  | 'expectContinue'
  | 'throw'
  | 'reject'
  | 'failingReceivers'
  | 'upgrade';

export const PIPELINE_DEPTH = 4;
const STREAM_BYTES = 16 * 1024;
const UPLOAD_BYTES = 1024;
const THROW_TIMEOUT_MS = 250;
/** No request of the mix should take anywhere near this; hitting it is a failure, not a wait. */
const SAFETY_TIMEOUT_MS = 15000;

export interface Tally {
  /** Requests sent, by kind (a pipeline unit counts PIPELINE_DEPTH). */
  sent: Record<UnitKind, number>;
  /** Requests the server should have seen as requests (everything but upgrades). */
  requests: number;
  ok: number;
  status500: number;
  aborted: number;
  timedOut: number;
  upgraded: number;
  /** Anything not what the unit expected: wrong status or body, a connection error, a safety timeout. */
  unexpected: string[];
  durationMs: number;
}

export function emptyTally(): Tally {
  return {
    sent: {
      keepAlive: 0,
      fresh: 0,
      pipeline: 0,
      stream: 0,
      slow: 0,
      abort: 0,
      expectContinue: 0,
      throw: 0,
      reject: 0,
      failingReceivers: 0,
      upgrade: 0,
    },
    requests: 0,
    ok: 0,
    status500: 0,
    aborted: 0,
    timedOut: 0,
    upgraded: 0,
    unexpected: [],
    durationMs: 0,
  };
}

export interface LoadOptions {
  port: number;
  /** How many requests to send (a unit may overshoot by PIPELINE_DEPTH - 1). */
  requests: number;
  /** Relative weights of the unit kinds. */
  mix: Partial<Record<UnitKind, number>>;
  concurrency: number;
  seed: number;
}

/** Runs a weighted, seeded mix of client units against the port and tallies what came back. */
export async function runLoad(options: LoadOptions, tally: Tally = emptyTally()): Promise<Tally> {
  const random = seededRandom(options.seed);
  const kinds = Object.entries(options.mix).filter(([, weight]) => (weight ?? 0) > 0) as Array<[UnitKind, number]>;
  const totalWeight = kinds.reduce((sum, [, weight]) => sum + weight, 0);
  const pick = (): UnitKind => {
    let r = random() * totalWeight;
    for (const [kind, weight] of kinds) if ((r -= weight) < 0) return kind;
    return kinds[kinds.length - 1][0];
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  let budget = options.requests;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (budget > 0) {
      const kind = pick();
      budget -= kind === 'pipeline' ? PIPELINE_DEPTH : 1;
      await runUnit(kind, options.port, agent, tally);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  tally.durationMs += performance.now() - started;
  agent.destroy();
  return tally;
}

async function runUnit(kind: UnitKind, port: number, agent: http.Agent, tally: Tally): Promise<void> {
  const sent = kind === 'pipeline' ? PIPELINE_DEPTH : 1;
  tally.sent[kind] += sent;
  if (kind !== 'upgrade') tally.requests += sent;
  const expect = (ok: boolean, what: string) => {
    if (!ok) tally.unexpected.push(`${kind}: ${what}`);
  };
  try {
    switch (kind) {
      case 'keepAlive': {
        const r = await get(port, '/ok', agent);
        expect(r.status === 200 && r.body === 'ok', `got ${r.status} ${r.body}`);
        if (r.status === 200) tally.ok++;
        return;
      }
      case 'fresh': {
        const r = await get(port, '/ok', false);
        expect(r.status === 200 && r.body === 'ok', `got ${r.status} ${r.body}`);
        if (r.status === 200) tally.ok++;
        return;
      }
      case 'failingReceivers': {
        const r = await get(port, '/ok?receivers=fail', agent);
        expect(r.status === 200 && r.body === 'ok', `got ${r.status} ${r.body}`);
        if (r.status === 200) tally.ok++;
        return;
      }
      case 'stream': {
        const r = await get(port, '/stream', agent);
        expect(r.status === 200 && r.body.length === STREAM_BYTES, `got ${r.status}, ${r.body.length} bytes`);
        if (r.status === 200) tally.ok++;
        return;
      }
      case 'slow': {
        const r = await get(port, '/slow', agent);
        expect(r.status === 200 && r.body === 'slow', `got ${r.status} ${r.body}`);
        if (r.status === 200) tally.ok++;
        return;
      }
      case 'reject': {
        const r = await get(port, '/reject', agent);
        expect(r.status === 500, `got ${r.status} ${r.body}`);
        if (r.status === 500) tally.status500++;
        return;
      }
      case 'expectContinue': {
        const r = await expectContinue(port, agent);
        expect(r.status === 200 && r.body === String(UPLOAD_BYTES), `got ${r.status} ${r.body}`);
        if (r.status === 200) tally.ok++;
        return;
      }
      case 'pipeline': {
        const answered = await pipeline(port, PIPELINE_DEPTH);
        expect(answered === PIPELINE_DEPTH, `${answered} of ${PIPELINE_DEPTH} pipelined responses`);
        tally.ok += answered;
        return;
      }
      case 'abort': {
        const gotData = await abortMidResponse(port);
        expect(gotData, 'no first chunk before aborting');
        tally.aborted++;
        return;
      }
      case 'throw': {
        const outcome = await getExpectingNoAnswer(port, '/throw');
        expect(outcome === 'timed out', outcome);
        if (outcome === 'timed out') tally.timedOut++;
        return;
      }
      case 'upgrade': {
        const upgraded = await upgrade(port);
        expect(upgraded, 'no 101 upgrade');
        if (upgraded) tally.upgraded++;
        return;
      }
    }
  } catch (error) {
    tally.unexpected.push(`${kind}: ${(error as Error).message}`);
  }
}

export interface SimpleResponse {
  status: number;
  body: string;
}

export function get(port: number, urlPath: string, agent: http.Agent | false): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, response =>
      collect(response, resolve, reject)
    );
    outgoing.setTimeout(SAFETY_TIMEOUT_MS, () => outgoing.destroy(new Error(`safety timeout on ${urlPath}`)));
    outgoing.on('error', reject);
  });
}

function collect(
  response: http.IncomingMessage,
  resolve: (response: SimpleResponse) => void,
  reject: (error: Error) => void
): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
  response.on('error', reject);
}

function expectContinue(port: number, agent: http.Agent): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/upload',
        agent,
        headers: { Expect: '100-continue', 'Content-Length': UPLOAD_BYTES },
      },
      response => collect(response, resolve, reject)
    );
    outgoing.on('continue', () => outgoing.end(Buffer.alloc(UPLOAD_BYTES, 'u')));
    outgoing.setTimeout(SAFETY_TIMEOUT_MS, () => outgoing.destroy(new Error('safety timeout on 100-continue')));
    outgoing.on('error', reject);
    outgoing.flushHeaders();
  });
}

/* Slow and streamed responses first, so that the later responses wait in Node's queue behind them. */
const PIPELINED_PATHS = ['/slow', '/ok', '/stream', '/ok'];

/**
 * HTTP/1.1 pipelining: every request written at once; the last asks the
 * server to close. Resolves with the number of 200s that came back.
 */
function pipeline(port: number, depth: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const host = `127.0.0.1:${port}`;
    let bytes = '';
    for (let i = 0; i < depth; i++) {
      const path = PIPELINED_PATHS[i % PIPELINED_PATHS.length];
      bytes += `GET ${path}?pipelined=${i} HTTP/1.1\r\nHost: ${host}\r\n${i === depth - 1 ? 'Connection: close\r\n' : ''}\r\n`;
    }
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => socket.destroy(new Error('safety timeout on a pipeline')), SAFETY_TIMEOUT_MS);
    socket.on('data', chunk => chunks.push(chunk));
    socket.on('error', error => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(countMatches(Buffer.concat(chunks).toString('latin1'), 'HTTP/1.1 200 OK\r\n'));
    });
  });
}

function countMatches(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** Waits for the first chunk of a response that never ends, then goes away. */
function abortMidResponse(port: number): Promise<boolean> {
  return new Promise(resolve => {
    let gotData = false;
    const outgoing = http.get({ host: '127.0.0.1', port, path: '/abort', agent: false }, response => {
      response.once('data', () => {
        gotData = true;
        outgoing.destroy();
      });
      response.on('error', () => undefined);
    });
    outgoing.setTimeout(SAFETY_TIMEOUT_MS, () => outgoing.destroy());
    outgoing.on('error', () => undefined);
    outgoing.on('close', () => resolve(gotData));
  });
}

/** A request whose listener throws: Node never answers it, so the client gives up. */
function getExpectingNoAnswer(port: number, urlPath: string): Promise<string> {
  return getOutcome(port, urlPath, THROW_TIMEOUT_MS);
}

/** `answered <status>`, `timed out` (no answer within timeoutMs) or `closed without an answer`. */
export function getOutcome(
  port: number,
  urlPath: string,
  timeoutMs: number,
  headers?: http.OutgoingHttpHeaders
): Promise<string> {
  return new Promise(resolve => {
    let outcome = 'closed without an answer';
    const outgoing = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, headers }, response => {
      outcome = `answered ${response.statusCode}`;
      response.resume();
    });
    outgoing.setTimeout(timeoutMs, () => {
      outcome = 'timed out';
      outgoing.destroy();
    });
    outgoing.on('error', () => undefined);
    outgoing.on('close', () => resolve(outcome));
  });
}

function upgrade(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const outgoing = http.request({
      host: '127.0.0.1',
      port,
      path: '/upgrade',
      agent: false,
      headers: { Connection: 'Upgrade', Upgrade: 'soak' },
    });
    let upgraded = false;
    outgoing.on('upgrade', (_response, socket) => {
      upgraded = true;
      socket.destroy();
      resolve(true);
    });
    outgoing.on('response', response => {
      response.resume();
      resolve(false);
    });
    outgoing.setTimeout(SAFETY_TIMEOUT_MS, () => outgoing.destroy());
    outgoing.on('error', () => undefined);
    outgoing.on('close', () => resolve(upgraded));
    outgoing.end();
  });
}

// ---- raw exchanges -----------------------------------------------------------

/**
 * Writes raw bytes, half-closes, and resolves with everything the server
 * wrote until it closed the connection (or the safety timeout).
 */
export function rawRoundTrip(
  port: number,
  bytes: Buffer,
  timeoutMs = 5000
): Promise<{ response: Buffer; closed: boolean }> {
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let closed = false;
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', chunk => chunks.push(chunk));
    socket.on('end', () => (closed = true));
    socket.on('error', () => (closed = true));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response: Buffer.concat(chunks), closed });
    });
  });
}

/**
 * Writes several pipelined requests at once, then closes the connection as
 * soon as the first response bytes arrive: the later requests were seen by
 * the server but are still queued behind the first response.
 */
export function pipelineThenClose(port: number, paths: string[]): Promise<void> {
  return new Promise(resolve => {
    const bytes = paths.map(p => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`).join('');
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => socket.destroy(), SAFETY_TIMEOUT_MS);
    socket.once('data', () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
