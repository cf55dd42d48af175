import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { RequestSignalsInstrumentation, requestStarted } from '../src';
import { rawExchange, request } from './utils/client';
import { countClosedResponses } from './utils/closed-responses';
import { instrumentation } from './utils/instrumentation';
import { disconnectAll, record } from './utils/receivers';
import { FIXTURES, RunningServer, startHttpServer } from './utils/server';
import { exporter, registerTracing, waitForSpans } from './utils/tracing';

const BUILD_SRC = path.resolve(__dirname, '..', 'src');

describe('registration, load order and coexistence of copies', () => {
  let running: RunningServer | undefined;
  const extraInstances: RequestSignalsInstrumentation[] = [];
  before(() => registerTracing());
  afterEach(async () => {
    await running?.close();
    running = undefined;
    for (const extra of extraInstances.splice(0)) extra.disable();
    instrumentation.disable();
    disconnectAll();
    exporter.reset();
  });

  function adopt(instance: RequestSignalsInstrumentation): RequestSignalsInstrumentation {
    extraInstances.push(instance);
    return instance;
  }

  it('instruments a server created before the instrumentation', async () => {
    running = await startHttpServer((_req, res) => res.end());
    const started = record(requestStarted);
    adopt(new RequestSignalsInstrumentation());
    await request(running.port);
    await waitForSpans(1);
    assert.equal(started.length, 1);
  });

  it('fires nothing and opens no span while disabled', async () => {
    running = await startHttpServer((_req, res) => res.end());
    const closed = countClosedResponses(running.server);
    const started = record(requestStarted);
    instrumentation.enable();
    instrumentation.disable();
    await request(running.port);
    await closed(1);
    assert.deepEqual([started.length, exporter.getFinishedSpans().length], [0, 0]);
  });

  it('comes back after disable() and enable()', async () => {
    running = await startHttpServer((_req, res) => res.end());
    const started = record(requestStarted);
    instrumentation.enable();
    instrumentation.disable();
    instrumentation.enable();
    await request(running.port);
    await waitForSpans(1);
    assert.equal(started.length, 1);
  });

  it('fires once when enabled twice', async () => {
    running = await startHttpServer((_req, res) => res.end());
    const started = record(requestStarted);
    instrumentation.enable();
    instrumentation.enable();
    await request(running.port);
    await waitForSpans(1);
    assert.deepEqual([started.length, exporter.getFinishedSpans().length], [1, 1]);
  });

  it('restores the original emit when disabled', () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by reference, never called
    const before = http.Server.prototype.emit;
    instrumentation.enable();
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by reference, never called
    const patched = http.Server.prototype.emit;
    instrumentation.disable();
    assert.deepEqual([patched !== before, http.Server.prototype.emit === before], [true, true]);
  });

  it("wraps the request's and the response's emit from the first traced request, and restores them when disabled", async () => {
    const prototypes = [http.IncomingMessage.prototype, http.ServerResponse.prototype];
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by reference, never called
    const before = prototypes.map(prototype => prototype.emit);
    running = await startHttpServer((_req, res) => res.end());
    instrumentation.enable();
    const patchedAtEnable = prototypes.map((prototype, i) => prototype.emit !== before[i]);
    await request(running.port);
    const patchedAfterRequest = prototypes.map((prototype, i) => prototype.emit !== before[i]);
    instrumentation.disable();
    assert.deepEqual(patchedAtEnable, [false, false]);
    assert.deepEqual(patchedAfterRequest, [true, true]);
    assert.deepEqual(
      prototypes.map((prototype, i) => prototype.emit === before[i]),
      [true, true]
    );
  });

  it('fires once and opens one span with two instances enabled', async () => {
    running = await startHttpServer((_req, res) => res.end());
    const closed = countClosedResponses(running.server);
    const started = record(requestStarted);
    instrumentation.enable();
    adopt(new RequestSignalsInstrumentation());
    await request(running.port);
    await closed(1);
    assert.deepEqual([started.length, exporter.getFinishedSpans().length], [1, 1]);
  });

  describe('with a second copy of the package', () => {
    const copyRoot = path.resolve(__dirname, '..', 'second-copy');
    let secondCopy: typeof import('../src');
    before(() => {
      fs.cpSync(BUILD_SRC, path.join(copyRoot, 'src'), { recursive: true });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the copy, from the directory it was just copied to
      secondCopy = require(path.join(copyRoot, 'src')) as typeof secondCopy;
    });
    after(() => fs.rmSync(copyRoot, { recursive: true, force: true }));

    it('is really a second copy of the code', () => {
      assert.notEqual(secondCopy.RequestSignalsInstrumentation, RequestSignalsInstrumentation);
    });

    it('shares the request signals', () => {
      assert.equal(secondCopy.requestStarted, requestStarted);
    });

    it('never produces two spans or two signals per request', async () => {
      running = await startHttpServer((_req, res) => res.end());
      const closed = countClosedResponses(running.server);
      const started = record(requestStarted);
      instrumentation.enable();
      adopt(new secondCopy.RequestSignalsInstrumentation());
      await request(running.port);
      await closed(1);
      assert.deepEqual([started.length, exporter.getFinishedSpans().length], [1, 1]);
    });
  });

  it('sends byte-for-byte the response the app sends without it', async () => {
    running = await startHttpServer((req, res) => {
      res.sendDate = false;
      res.setHeader('X-Echo', req.url ?? '');
      res.writeHead(201, { 'Content-Type': 'text/plain' });
      res.end('created\n');
    });
    const exchange = `GET /thing?a=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
    const bare = await rawExchange(running.port, exchange);
    instrumentation.enable();
    const instrumented = await rawExchange(running.port, exchange);
    assert.equal(instrumented, bare);
    assert.match(bare, /^HTTP\/1.1 201 Created/);
  });

  it('fires the signals with a non-recording span and builds no span until a tracer provider is registered', () => {
    const output = execFileSync(process.execPath, [path.join(FIXTURES, 'no-sdk.js')], {
      cwd: FIXTURES,
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(output), {
      withoutProvider: {
        started: 1,
        finished: 1,
        exceptions: 1,
        recording: false,
        // Without an SDK no context manager is registered, so nothing is active.
        activeInListener: false,
        sameSpanInReceivers: true,
        status: 200,
        // The hooks that shape a span's attributes and name have no span to shape.
        hookCalls: { startIncomingSpanHook: 0, spanNameHook: 0, requestHook: 1, responseHook: 1 },
        // Nothing to keep active in the request's listeners: emit stays Node's own.
        listenerWrappers: false,
      },
      afterRegister: {
        started: 1,
        finished: 1,
        exceptions: 1,
        recording: true,
        activeInListener: true,
        sameSpanInReceivers: true,
        status: 200,
        hookCalls: { startIncomingSpanHook: 1, spanNameHook: 1, requestHook: 2, responseHook: 2 },
        listenerWrappers: true,
        spans: 1,
        hookedAttribute: true,
      },
    });
  });
});
