import * as assert from 'node:assert/strict';
import * as http from 'http';
import * as http2 from 'http2';
import * as https from 'https';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { gotRequestException, requestFinished, requestStarted } from '../src';
import { createHttp2Server, h2request, useHttp2 } from './utils/http2';
import { useInstrumentation } from './utils/instrumentation';
import { record, waitForCount } from './utils/receivers';
import { serverSpans, waitForSpans } from './utils/tracing';
import { nextMacrotask } from './utils/macrotask';

for (const secure of [false, true]) {
  const label = secure ? 'h2 over TLS (createSecureServer)' : 'h2c (createServer)';

  describe(`HTTP/2 compatibility API, ${label}`, () => {
    useInstrumentation();
    const { serve, connect } = useHttp2();

    it('fires requestStarted and requestFinished once, with the Http2ServerRequest/Response and the span active', async () => {
      const started = record(requestStarted);
      const finished = record(requestFinished);
      let listenerSpan: unknown;
      let endSpan: unknown;
      let finishSpan: unknown;
      const server = createHttp2Server(secure);
      server.on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
        listenerSpan = trace.getActiveSpan();
        res.on('finish', () => (finishSpan = trace.getActiveSpan()));
        req.resume();
        req.on('end', () => {
          endSpan = trace.getActiveSpan();
          res.setHeader('content-type', 'text/plain');
          res.end(`hello ${req.url}`);
        });
      });
      const running = await serve(server, secure);
      const answer = await h2request(connect(running), {
        ':path': '/users/7?q=1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      await waitForCount(finished, 1);
      const [span] = await waitForSpans(1);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.toString(), 'hello /users/7?q=1');
      assert.equal(started.length, 1);
      assert.ok(started[0].kwargs.request instanceof http2.Http2ServerRequest);
      assert.ok(started[0].kwargs.response instanceof http2.Http2ServerResponse);
      assert.ok(started[0].kwargs.stream !== undefined);
      assert.equal(started[0].activeSpan, started[0].kwargs.span);
      assert.equal(listenerSpan, started[0].kwargs.span);
      assert.equal(endSpan, started[0].kwargs.span, "the request's 'end' listeners run with the span active");
      assert.equal(finishSpan, started[0].kwargs.span, "the response's 'finish' listeners run with the span active");
      assert.equal(finished[0].kwargs.aborted, false);
      assert.equal(span.kind, SpanKind.SERVER);
      assert.equal(span.name, 'GET');
      assert.equal(span.parentSpanContext?.spanId, 'b7ad6b7169203331');
      assert.deepEqual(
        {
          version: span.attributes['network.protocol.version'],
          scheme: span.attributes['url.scheme'],
          path: span.attributes['url.path'],
          query: span.attributes['url.query'],
          address: span.attributes['server.address'],
          port: span.attributes['server.port'],
          status: span.attributes['http.response.status_code'],
          method: span.attributes['http.request.method'],
        },
        {
          version: '2',
          scheme: secure ? 'https' : 'http',
          path: '/users/7',
          query: 'q=1',
          address: '127.0.0.1',
          port: running.port,
          status: 200,
          method: 'GET',
        }
      );
    });

    it('reports a listener that throws, once, and records it on the span', async () => {
      const heard = record(gotRequestException);
      const failure = new Error('compat listener threw');
      const server = createHttp2Server(secure);
      // Node's http2 has no guard around a throwing 'request' listener: the app's own handler is the reference.
      server.on('request', (_req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
        res.statusCode = 500;
        res.end();
        throw failure;
      });
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown) => uncaught.push(error);
      const listeners = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.on('uncaughtException', onUncaught);
      try {
        const running = await serve(server, secure);
        await h2request(connect(running));
        const [span] = await waitForSpans(1);
        assert.deepEqual(uncaught, [failure]);
        assert.equal(heard.length, 1);
        assert.equal(heard[0].kwargs.exception, failure);
        assert.equal(heard[0].activeSpan, heard[0].kwargs.span);
        assert.equal(span.events.filter(event => event.name === 'exception').length, 1);
        assert.equal(span.status.code, SpanStatusCode.ERROR);
      } finally {
        process.removeListener('uncaughtException', onUncaught);
        for (const listener of listeners) process.on('uncaughtException', listener);
      }
    });

    it('reports an async listener that rejects, once', async () => {
      const heard = record(gotRequestException);
      const failure = new Error('compat listener rejected');
      const server = createHttp2Server(secure);
      (server as unknown as { [key: symbol]: unknown })[Symbol.for('nodejs.rejection')] = () => undefined;
      // eslint-disable-next-line @typescript-eslint/no-misused-promises, @typescript-eslint/require-await -- async on purpose: tests a listener that rejects
      server.on('request', async (_req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
        res.statusCode = 500;
        res.end();
        throw failure;
      });
      const running = await serve(server, secure);
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        await h2request(connect(running));
        await waitForSpans(1);
        await waitForCount(heard, 1);
        assert.equal(heard[0].kwargs.exception, failure);
      } finally {
        await nextMacrotask();
        process.removeListener('unhandledRejection', onUnhandled);
      }
    });

    it('finishes a stream the client resets mid-response as aborted, with one span', async () => {
      const finished = record(requestFinished);
      const server = createHttp2Server(secure);
      server.on('request', (_req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
        res.write('first chunk');
      });
      const running = await serve(server, secure);
      const client = connect(running);
      await new Promise<void>(resolve => {
        const stream = client.request({ ':path': '/stream' });
        stream.on('error', () => undefined);
        stream.once('data', () => stream.close(http2.constants.NGHTTP2_CANCEL));
        stream.on('close', () => resolve());
      });
      await waitForCount(finished, 1);
      const [span] = await waitForSpans(1);
      assert.equal(finished[0].kwargs.aborted, true);
      assert.equal(span.attributes['error.type'], 'aborted');
      assert.equal(serverSpans().length, 1);
    });

    it('finishes every open stream when the session is destroyed', async () => {
      const finished = record(requestFinished);
      const server = createHttp2Server(secure);
      let open = 0;
      let allOpen!: () => void;
      const ready = new Promise<void>(resolve => (allOpen = resolve));
      server.on('request', (_req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
        res.write('x');
        if (++open === 5) allOpen();
      });
      const running = await serve(server, secure);
      const client = connect(running);
      const streams = Array.from({ length: 5 }, () => h2request(client, { ':path': '/open' }));
      await ready;
      client.destroy();
      await Promise.all(streams);
      await waitForCount(finished, 5);
      assert.deepEqual(
        finished.map(call => call.kwargs.aborted),
        [true, true, true, true, true]
      );
      await waitForSpans(5);
    });

    it('serves many concurrent streams on one session, each started and finished once with its own span', async () => {
      const started = record(requestStarted);
      const finished = record(requestFinished);
      const server = createHttp2Server(secure);
      server.on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
        setTimeout(() => res.end(req.url), Number(req.url?.slice(1)) % 7);
      });
      const running = await serve(server, secure);
      const client = connect(running);
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => h2request(client, { ':path': `/${i}` })));
      await waitForCount(finished, 50);
      const spans = await waitForSpans(50);
      assert.deepEqual(
        answers.map(answer => answer.body.toString()),
        Array.from({ length: 50 }, (_, i) => `/${i}`)
      );
      assert.equal(started.length, 50);
      assert.equal(new Set(spans.map(span => span.spanContext().spanId)).size, 50);
      assert.deepEqual([...new Set(finished.map(call => call.kwargs.span))].length, 50);
    });

    it('moves a 1 MB body both ways unchanged', async () => {
      const body = Buffer.alloc(1024 * 1024, 7);
      const server = createHttp2Server(secure);
      server.on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', chunk => chunks.push(chunk as Buffer));
        req.on('end', () => res.end(Buffer.concat(chunks)));
      });
      const running = await serve(server, secure);
      const answer = await h2request(connect(running), { ':path': '/echo', ':method': 'POST' }, body);
      assert.ok(answer.body.equals(body));
      const [span] = await waitForSpans(1);
      assert.equal(span.attributes['http.response.status_code'], 200);
    });

    it('sends trailers as without us', async () => {
      const server = createHttp2Server(secure);
      server.on('request', (_req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
        res.addTrailers({ 'x-checksum': 'abc' });
        res.end('with trailers');
      });
      const running = await serve(server, secure);
      const answer = await h2request(connect(running));
      assert.equal(answer.trailers?.['x-checksum'], 'abc');
      await waitForSpans(1);
    });
  });
}

describe('HTTP/2 with allowHTTP1: HTTP/1.1 requests on the same server', () => {
  useInstrumentation();
  const { serve, connect } = useHttp2();

  it('gives each protocol its own span and signals', async () => {
    const started = record(requestStarted);
    const server = createHttp2Server(true, { allowHTTP1: true });
    server.on(
      'request',
      (req: http2.Http2ServerRequest | http.IncomingMessage, res: http2.Http2ServerResponse | http.ServerResponse) =>
        res.end(`HTTP/${req.httpVersion}`)
    );
    const running = await serve(server, true);
    const h2 = await h2request(connect(running));
    const h1 = await new Promise<string>(resolve =>
      https.get({ host: '127.0.0.1', port: running.port, rejectUnauthorized: false, agent: false }, response => {
        let text = '';
        response.on('data', chunk => (text += chunk));
        response.on('end', () => resolve(text));
      })
    );
    const spans = await waitForSpans(2);
    assert.deepEqual([h2.body.toString(), h1], ['HTTP/2.0', 'HTTP/1.1']);
    assert.deepEqual(spans.map(span => span.attributes['network.protocol.version']).sort(), ['1.1', '2']);
    assert.equal(started.length, 2);
  });
});
