import * as assert from 'node:assert/strict';
import { EventEmitter } from 'events';
import * as http from 'http';
import * as http2 from 'http2';
import { ROOT_CONTEXT, createNoopMeter, trace } from '@opentelemetry/api';
import {
  HTTP2_SECURE_SERVER_PROTOTYPE,
  HTTP2_SERVER_PROTOTYPE,
  NOOP_HISTOGRAM_CLASS,
  NOOP_TRACER_PROVIDER,
  RPC_METADATA_CONTEXT_KEY,
  SPAN_CONTEXT_KEY,
  capturesRejections,
  kCapture,
  listenerSlot,
  sentHeaderBlock,
} from '../src/internals/node-and-opentelemetry';
import { startHttpServer } from './utils/server';

/*
 * Each internal of Node or the OpenTelemetry API that the package relies on
 * (src/internals/node-and-opentelemetry.ts). A failure here names the one
 * that changed: read that module's comment for what stops working.
 */
describe(`the internals we rely on, on Node ${process.version}`, () => {
  it('EventEmitter keeps its listeners in _events, as emit reads them', () => {
    const emitter = new EventEmitter();
    const listener = () => undefined;
    assert.equal(listenerSlot(emitter, 'x'), undefined);
    emitter.on('x', listener);
    assert.equal(listenerSlot(emitter, 'x'), listener);
    emitter.on('x', listener);
    // The listeners, compared as a list: Node 24.22 also keeps an `emitting` count on the array, under a symbol.
    assert.deepEqual([...(listenerSlot(emitter, 'x') as unknown[])], [listener, listener]);
  });

  it("EventEmitter keeps captureRejections under a symbol described 'kCapture'", () => {
    assert.equal(typeof kCapture, 'symbol', 'kCapture not found on EventEmitter.prototype');
    assert.equal(capturesRejections(new EventEmitter({ captureRejections: true })), true);
    assert.equal(capturesRejections(new EventEmitter()), EventEmitter.captureRejections);
  });

  it('ServerResponse._header holds the header block as written', async () => {
    let block: string | undefined;
    const running = await startHttpServer((_req, res) => {
      res.writeHead(201, { 'x-only-in-writehead': 'yes' });
      block = sentHeaderBlock(res);
      res.end();
    });
    try {
      await new Promise<void>(resolve =>
        http.get({ host: '127.0.0.1', port: running.port, agent: false }, r => r.resume().on('end', resolve))
      );
    } finally {
      await running.close();
    }
    assert.match(block ?? '', /^HTTP\/1\.1 201 Created\r\n/);
    assert.match(block ?? '', /\r\nx-only-in-writehead: yes\r\n/i);
  });

  it('a throwaway HTTP/2 server shows the server classes, whose instances emit through them', () => {
    assert.equal(Object.getPrototypeOf(http2.createServer()), HTTP2_SERVER_PROTOTYPE);
    assert.equal(Object.getPrototypeOf(http2.createSecureServer()), HTTP2_SECURE_SERVER_PROTOTYPE);
    assert.ok(HTTP2_SERVER_PROTOTYPE instanceof EventEmitter);
  });

  it('the API stores the active span and the RPC metadata under keys a recording context sees', () => {
    assert.equal(typeof SPAN_CONTEXT_KEY, 'symbol');
    assert.equal(typeof RPC_METADATA_CONTEXT_KEY, 'symbol');
    const span = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
    assert.equal(trace.setSpan(ROOT_CONTEXT, span).getValue(SPAN_CONTEXT_KEY as symbol), span);
  });

  it("the global tracer provider's delegate is the no-op provider until one is registered", () => {
    assert.equal(typeof NOOP_TRACER_PROVIDER.getTracer, 'function');
    assert.equal(NOOP_TRACER_PROVIDER.constructor.name, 'NoopTracerProvider');
  });

  it('the no-op meter makes histograms of one class', () => {
    assert.equal(createNoopMeter().createHistogram('another').constructor, NOOP_HISTOGRAM_CLASS);
  });
});
