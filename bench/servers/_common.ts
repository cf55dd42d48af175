/*
 * Shared by the bench servers (bench/servers/<variant>.ts). Nothing here
 * requires `http` until a variant calls requireHttp(): variants using
 * instrumentation-http must register it first.
 *
 * Protocol with the driver (bench/variants.ts, forked with an IPC channel):
 * the server prints its port on stdout, then answers two messages.
 * - 'stats': flushes pending spans, replies { cpu: process.cpuUsage(), spans, receiverCalls }
 *   (the HTTP benchmark takes these before and after each load).
 * - { inMemory: requests, pairs }: serves requests in memory (_in-memory-load.ts; HTTP/2
 *   variants: streams, _h2-in-memory-load.ts),
 *   `pairs` times with the variant's instrumentation switched off and on, in
 *   alternating order, and replies { off: [µs/req…], on: [µs/req…], spansPerReq,
 *   callsPerReq } (for the 'on' batches). Pairing within one process cancels the
 *   machine's drift, which is larger than the sub-µs figures measured.
 * - { allocations: requests, pairs }: the same pairs, replying { off: [bytes/req…], on: [bytes/req…] }:
 *   heap bytes allocated per request, read from v8's used heap size around a batch. Only valid in a
 *   server started with --expose-gc and a young generation larger than a batch allocates
 *   (--min-semi-space-size / --max-semi-space-size), so that no collection runs during a batch.
 * Run by hand (e.g. under `node --cpu-prof`), SIGUSR2 prints process.cpuUsage()
 * and SIGINT exits cleanly.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { Http2ServerRequest, Http2ServerResponse } from 'http2';
import type { AddressInfo, Server } from 'net';
import * as v8 from 'v8';
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { BatchSpanProcessor, ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Load, loadInMemory } from './_in-memory-load';

/** The driver's messages (bench/variants.ts) and the replies. */
export type DriverMessage = 'stats' | { inMemory: number; pairs: number } | { allocations: number; pairs: number };
export interface ServerStats {
  cpu: NodeJS.CpuUsage;
  spans: number;
  receiverCalls: number;
}
/** µs per request (or heap bytes per request), one entry per batch. */
export interface Pairs {
  off: number[];
  on: number[];
}
export interface InMemoryPairs extends Pairs {
  spansPerReq: number;
  callsPerReq: number;
}

/** A 'request' listener of an http server or of http2's compatibility API. */
export type RequestListener = (
  this: unknown,
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse
) => void;
/** `http` or `http2`, as serve() uses it. */
export interface ServerModule {
  createServer(listener: RequestListener): Server;
}
/** Turns the variant's instrumentation on (true) or off. */
export type Switch = (on: boolean) => void;
type Wrap = (listener: RequestListener) => RequestListener;

export interface ServeOptions {
  wrap?: Wrap;
  instrumentations?: Instrumentation[];
  switchTo?: Switch;
  load?: Load;
  createServer?: (wrap: Wrap) => Server;
}

/** Discards every span; counts them so the driver can check one span per request. */
class DiscardingExporter implements SpanExporter {
  exported = 0;

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exported += spans.length;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

let exporter: DiscardingExporter | undefined;
let provider: NodeTracerProvider | undefined;

/** NodeTracerProvider + BatchSpanProcessor(DiscardingExporter), registered globally. */
export function setUpSdk(): NodeTracerProvider {
  exporter = new DiscardingExporter();
  provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register();
  return provider;
}

/**
 * `http`, required when this is called rather than imported: the instrumentations hook its require, so a
 * variant creates them first (and instrumentation-http, registered before ours, wraps outside it).
 */
export function requireHttp(): typeof import('http') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- when it is required matters (above)
  return require('http') as typeof import('http');
}

let receiverCalls = 0;

/** What connectReceivers needs of a signal, whatever its kwargs. */
interface Connectable {
  connect(receiver: () => void): void;
  disconnect(receiver: () => void): boolean;
}

/** Connects `count` trivial receivers to each of the three request signals; returns a function that disconnects them. */
export function connectReceivers(count: number): () => void {
  // Required when called: bare, which connects none, loads none of the package.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const signals = require('../../src') as typeof import('../../src');
  const connected: Array<[Connectable, () => void]> = [];
  const all: Connectable[] = [signals.requestStarted, signals.requestFinished, signals.gotRequestException];
  for (const signal of all) {
    for (let i = 0; i < count; i++) {
      const receiver = () => void receiverCalls++;
      signal.connect(receiver);
      connected.push([signal, receiver]);
    }
  }
  return () => connected.forEach(([signal, receiver]) => signal.disconnect(receiver));
}

function answer(_request: unknown, response: { end(body: string): unknown }): void {
  response.end('ok');
}

async function stats(): Promise<ServerStats> {
  if (provider !== undefined) await provider.forceFlush();
  const spans = exporter === undefined ? 0 : exporter.exported;
  return { cpu: process.cpuUsage(), spans, receiverCalls };
}

/** CPU µs per request for `requests` requests served in memory by `load`, flush included. */
async function inMemoryBatch(server: Server, load: Load, requests: number): Promise<number> {
  const before = process.cpuUsage();
  await load(server, requests);
  if (provider !== undefined) await provider.forceFlush();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

/** `pairs` batches with the instrumentation off and as many with it on, alternating which goes first. */
async function alternatingPairs(
  switchTo: Switch,
  pairs: number,
  batch: (on: boolean) => Promise<number>
): Promise<Pairs> {
  const result: Pairs = { off: [], on: [] };
  for (let i = 0; i < pairs; i++) {
    for (const on of i % 2 === 0 ? [false, true] : [true, false]) {
      switchTo(on);
      result[on ? 'on' : 'off'].push(await batch(on));
    }
  }
  switchTo(true);
  return result;
}

/** CPU pairs, counting the spans and receiver calls of the batches with the instrumentation on. */
async function inMemoryPairs(
  server: Server,
  load: Load,
  switchTo: Switch,
  requests: number,
  pairs: number
): Promise<InMemoryPairs> {
  let spans = 0;
  let calls = 0;
  const result = await alternatingPairs(switchTo, pairs, async on => {
    if (!on) return inMemoryBatch(server, load, requests);
    const before = await stats();
    const cpuUs = await inMemoryBatch(server, load, requests);
    const after = await stats();
    spans += after.spans - before.spans;
    calls += after.receiverCalls - before.receiverCalls;
    return cpuUs;
  });
  return { ...result, spansPerReq: spans / (requests * pairs), callsPerReq: calls / (requests * pairs) };
}

/** Heap bytes allocated per request for `requests` requests served in memory (see the header). */
async function allocationBatch(server: Server, load: Load, requests: number): Promise<number> {
  await load(server, 200);
  // A full collection, time for its concurrent sweeping to finish, then an empty young generation.
  // gc is there: these servers are started with --expose-gc.
  global.gc!();
  await new Promise(resolve => setTimeout(resolve, 20));
  global.gc!({ type: 'minor' });
  const before = v8.getHeapStatistics().used_heap_size;
  await load(server, requests);
  return (v8.getHeapStatistics().used_heap_size - before) / requests;
}

function allocationPairs(
  server: Server,
  load: Load,
  switchTo: Switch,
  requests: number,
  pairs: number
): Promise<Pairs> {
  return alternatingPairs(switchTo, pairs, () => allocationBatch(server, load, requests));
}

/** Switches instrumentations off (innermost wrapper last) and on again (in registration order). */
function instrumentationSwitch(instrumentations: Instrumentation[]): Switch {
  let on = true;
  return wanted => {
    if (wanted === on) return;
    on = wanted;
    if (on) for (const instrumentation of instrumentations) instrumentation.enable();
    else for (const instrumentation of [...instrumentations].reverse()) instrumentation.disable();
  };
}

/** Answers one of the driver's messages (see the header). */
async function answerDriver(message: DriverMessage, server: Server, load: Load, switcher: Switch): Promise<void> {
  const send = (reply: ServerStats | Pairs) => process.send!(reply);
  if (message === 'stats') {
    send(await stats());
    return;
  }
  if ('inMemory' in message) send(await inMemoryPairs(server, load, switcher, message.inMemory, message.pairs));
  if ('allocations' in message) send(await allocationPairs(server, load, switcher, message.allocations, message.pairs));
}

/**
 * Listens on 127.0.0.1, port 0, answering 'ok'. `wrap` may wrap the listener;
 * `switchTo(on)` turns the variant's instrumentation off and on, or pass the
 * `instrumentations` to disable and enable. HTTP/2 variants (_h2.ts) pass
 * their `load` for the in-memory batches, and `createServer` when they serve
 * streams rather than requests.
 */
export function serve(
  http: ServerModule,
  { wrap = listener => listener, instrumentations = [], switchTo, load = loadInMemory, createServer }: ServeOptions = {}
): void {
  const switcher = switchTo ?? instrumentationSwitch(instrumentations);
  const server = createServer !== undefined ? createServer(wrap) : http.createServer(wrap(answer));
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  // Only the driver sends messages (a forked child's IPC channel), and only these.
  process.on('message', message => void answerDriver(message as DriverMessage, server, load, switcher));
  process.on('disconnect', () => process.exit(0));
  // Run by hand: SIGUSR2 prints the CPU usage; SIGINT exits normally, so --cpu-prof writes its profile.
  process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify(process.cpuUsage())}\n`));
  process.on('SIGINT', () => process.exit(0));
}
