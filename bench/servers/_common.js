'use strict';
/*
 * Shared by the bench servers (bench/servers/<variant>.js). Nothing here
 * requires `http`: variants using instrumentation-http must register it first.
 *
 * Protocol with the driver (bench/http.ts, forked with an IPC channel):
 * the server prints its port on stdout; on the message 'stats' it flushes
 * pending spans, then replies { cpu: process.cpuUsage(), spans, receiverCalls }; on
 * { inMemory: n } it serves n requests in memory (_in-memory-load.js) and adds
 * their CPU time, cpuUs, to that reply.
 * Run by hand (e.g. under `node --cpu-prof`), SIGUSR2 prints process.cpuUsage()
 * and SIGINT exits cleanly.
 */
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

/** Connects `count` trivial receivers to each of the three request signals. */
function connectReceivers(count) {
  const signals = require('otel-request-signals');
  for (const signal of [signals.requestStarted, signals.requestFinished, signals.gotRequestException]) {
    for (let i = 0; i < count; i++) signal.connect(() => void receiverCalls++);
  }
}

async function stats() {
  if (provider !== undefined) await provider.forceFlush();
  const spans = exporter === undefined ? 0 : exporter.exported;
  return { cpu: process.cpuUsage(), spans, receiverCalls };
}

function answer(_request, response) {
  response.end('ok');
}

/** Listens on 127.0.0.1, port 0, answering 'ok'; `wrap` may wrap the listener. */
function serve(http, wrap = listener => listener) {
  const server = http.createServer(wrap(answer));
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.on('message', async message => {
    if (message === 'stats') return process.send(await stats());
    if (typeof message?.inMemory === 'number') {
      const before = process.cpuUsage();
      await loadInMemory(server, message.inMemory);
      const reply = await stats();
      process.send({ ...reply, cpuUs: reply.cpu.user + reply.cpu.system - before.user - before.system });
    }
  });
  process.on('disconnect', () => process.exit(0));
  // Run by hand: SIGUSR2 prints the CPU usage; SIGINT exits normally, so --cpu-prof writes its profile.
  process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify(process.cpuUsage())}\n`));
  process.on('SIGINT', () => process.exit(0));
}

module.exports = { setUpSdk, connectReceivers, serve };
