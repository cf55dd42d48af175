'use strict';
/*
 * Shared by the bench servers (bench/servers/<variant>.js). Nothing here
 * requires `http`: variants using instrumentation-http must register it first.
 *
 * Protocol with the driver (bench/variants.ts, forked with an IPC channel):
 * the server prints its port on stdout, then answers two messages.
 * - 'stats': flushes pending spans, replies { cpu: process.cpuUsage(), spans, receiverCalls }
 *   (the HTTP benchmark takes these before and after each load).
 * - { inMemory: requests, pairs }: serves requests in memory (_in-memory-load.js; HTTP/2
 *   variants: streams, _h2-in-memory-load.js),
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
const v8 = require('v8');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { loadInMemory } = require('./_in-memory-load');

/** Discards every span; counts them so the driver can check one span per request. */
class DiscardingExporter {
  constructor() {
    this.exported = 0;
  }
  export(spans, resultCallback) {
    this.exported += spans.length;
    resultCallback({ code: 0 });
  }
  shutdown() {
    return Promise.resolve();
  }
  forceFlush() {
    return Promise.resolve();
  }
}

let exporter;
let provider;

/** NodeTracerProvider + BatchSpanProcessor(DiscardingExporter), registered globally. */
function setUpSdk() {
  exporter = new DiscardingExporter();
  provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register();
  return provider;
}

let receiverCalls = 0;

/** Connects `count` trivial receivers to each of the three request signals; returns a function that disconnects them. */
function connectReceivers(count) {
  const signals = require('otel-request-signals');
  const connected = [];
  for (const signal of [signals.requestStarted, signals.requestFinished, signals.gotRequestException]) {
    for (let i = 0; i < count; i++) {
      const receiver = () => void receiverCalls++;
      signal.connect(receiver);
      connected.push([signal, receiver]);
    }
  }
  return () => connected.forEach(([signal, receiver]) => signal.disconnect(receiver));
}

function answer(_request, response) {
  response.end('ok');
}

async function stats() {
  if (provider !== undefined) await provider.forceFlush();
  const spans = exporter === undefined ? 0 : exporter.exported;
  return { cpu: process.cpuUsage(), spans, receiverCalls };
}

/** CPU µs per request for `requests` requests served in memory by `load`, flush included. */
async function inMemoryBatch(server, load, requests) {
  const before = process.cpuUsage();
  await load(server, requests);
  if (provider !== undefined) await provider.forceFlush();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

/** `pairs` batches with the instrumentation off and as many with it on, alternating which goes first. */
async function alternatingPairs(switchTo, pairs, batch) {
  const result = { off: [], on: [] };
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
async function inMemoryPairs(server, load, switchTo, requests, pairs) {
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
async function allocationBatch(server, load, requests) {
  await load(server, 200);
  // A full collection, time for its concurrent sweeping to finish, then an empty young generation.
  global.gc();
  await new Promise(resolve => setTimeout(resolve, 20));
  global.gc({ type: 'minor' });
  const before = v8.getHeapStatistics().used_heap_size;
  await load(server, requests);
  return (v8.getHeapStatistics().used_heap_size - before) / requests;
}

function allocationPairs(server, load, switchTo, requests, pairs) {
  return alternatingPairs(switchTo, pairs, () => allocationBatch(server, load, requests));
}

/** Switches instrumentations off (innermost wrapper last) and on again (in registration order). */
function instrumentationSwitch(instrumentations) {
  let on = true;
  return wanted => {
    if (wanted === on) return;
    on = wanted;
    if (on) for (const instrumentation of instrumentations) instrumentation.enable();
    else for (const instrumentation of [...instrumentations].reverse()) instrumentation.disable();
  };
}

/**
 * Listens on 127.0.0.1, port 0, answering 'ok'. `wrap` may wrap the listener;
 * `switchTo(on)` turns the variant's instrumentation off and on, or pass the
 * `instrumentations` to disable and enable. HTTP/2 variants (_h2.js) pass
 * their `load` for the in-memory batches, and `createServer` when they serve
 * streams rather than requests.
 */
function serve(
  http,
  { wrap = listener => listener, instrumentations = [], switchTo, load = loadInMemory, createServer } = {}
) {
  const switcher = switchTo ?? instrumentationSwitch(instrumentations);
  const server = createServer !== undefined ? createServer(wrap) : http.createServer(wrap(answer));
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.on('message', async message => {
    if (message === 'stats') return process.send(await stats());
    if (typeof message?.inMemory === 'number') {
      process.send(await inMemoryPairs(server, load, switcher, message.inMemory, message.pairs));
    }
    if (typeof message?.allocations === 'number') {
      process.send(await allocationPairs(server, load, switcher, message.allocations, message.pairs));
    }
  });
  process.on('disconnect', () => process.exit(0));
  // Run by hand: SIGUSR2 prints the CPU usage; SIGINT exits normally, so --cpu-prof writes its profile.
  process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify(process.cpuUsage())}\n`));
  process.on('SIGINT', () => process.exit(0));
}

module.exports = { setUpSdk, connectReceivers, serve };
