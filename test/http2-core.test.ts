import * as assert from 'node:assert/strict';
import * as http2 from 'http2';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { gotRequestException, requestFinished, requestStarted } from '../src';
import type { Http2StreamRequest, Http2StreamResponse } from '../src';
import { createHttp2Server, h2request, useHttp2 } from './utils/http2';
import { useInstrumentation } from './utils/instrumentation';
import { record, waitForCount } from './utils/receivers';
import { waitForSpans } from './utils/tracing';

for (const secure of [false, true]) {
  describe(`HTTP/2 core API ('stream' listeners), ${secure ? 'h2 over TLS' : 'h2c'}`, () => {
    useInstrumentation();
    const { serve, connect } = useHttp2();

    it('fires the signals with the stream, its headers and request/response views, the span active', async () => {
      const started = record(requestStarted);
      const finished = record(requestFinished);
      let listenerSpan: unknown;
      let dataSpan: unknown;
      const server = createHttp2Server(secure);
      server.on('stream', (stream, headers) => {
        listenerSpan = trace.getActiveSpan();
        stream.on('data', () => undefined);
        stream.on('end', () => {
          dataSpan = trace.getActiveSpan();
          stream.respond({ ':status': 201, 'x-served-by': 'core' });
          stream.end(`core ${headers[':path']}`);
        });
      });
      const running = await serve(server, secure);
      const answer = await h2request(
        connect(running),
        { ':path': '/items/3?x=1', ':method': 'POST', 'user-agent': 'h2-test' },
        'body'
      );
      await waitForCount(finished, 1);
      const [span] = await waitForSpans(1);
      const kwargs = started[0].kwargs;
      const request = kwargs.request as Http2StreamRequest;
      const response = finished[0].kwargs.response as Http2StreamResponse;
      assert.equal(answer.status, 201);
      assert.equal(answer.body.toString(), 'core /items/3?x=1');
      assert.equal(typeof kwargs.stream?.respond, 'function');
      assert.equal(request.stream, kwargs.stream);
      assert.deepEqual([request.method, request.url, request.httpVersion], ['POST', '/items/3?x=1', '2.0']);
      assert.equal(request.headers[':authority'], `127.0.0.1:${running.port}`);
      assert.deepEqual([response.statusCode, response.getHeader('x-served-by')], [201, 'core']);
      assert.equal(started[0].activeSpan, kwargs.span);
      assert.equal(listenerSpan, kwargs.span);
      assert.equal(dataSpan, kwargs.span, "the stream's own listeners run with the span active");
      assert.equal(finished[0].kwargs.aborted, false);
      assert.equal(span.name, 'POST');
      assert.deepEqual(
        [
          span.attributes['network.protocol.version'],
          span.attributes['url.scheme'],
          span.attributes['url.path'],
          span.attributes['server.port'],
          span.attributes['http.response.status_code'],
          span.attributes['user_agent.original'],
        ],
        ['2', secure ? 'https' : 'http', '/items/3', running.port, 201, 'h2-test']
      );
    });

    it('builds environ from the pseudo-headers and the headers', async () => {
      const started = record(requestStarted);
      const server = createHttp2Server(secure);
      server.on('stream', stream => {
        stream.respond({ ':status': 200 });
        stream.end();
      });
      const running = await serve(server, secure);
      await h2request(connect(running), { ':path': '/a%20b?c=d', 'x-custom': 'yes' });
      await waitForSpans(1);
      const environ = started[0].kwargs.environ;
      assert.deepEqual(
        {
          REQUEST_METHOD: environ.REQUEST_METHOD,
          PATH_INFO: environ.PATH_INFO,
          QUERY_STRING: environ.QUERY_STRING,
          SERVER_NAME: environ.SERVER_NAME,
          SERVER_PORT: environ.SERVER_PORT,
          SERVER_PROTOCOL: environ.SERVER_PROTOCOL,
          scheme: environ['wsgi.url_scheme'],
          custom: environ.HTTP_X_CUSTOM,
        },
        {
          REQUEST_METHOD: 'GET',
          PATH_INFO: '/a b',
          QUERY_STRING: 'c=d',
          SERVER_NAME: '127.0.0.1',
          SERVER_PORT: String(running.port),
          SERVER_PROTOCOL: 'HTTP/2',
          scheme: secure ? 'https' : 'http',
          custom: 'yes',
        }
      );
      assert.ok(!Object.keys(environ).some(key => key.includes(':')), 'no pseudo-header becomes an HTTP_ key');
    });

    it('reports an async stream listener that rejects, once, on the span', async () => {
      const heard = record(gotRequestException);
      const failure = new Error('stream listener rejected');
      const server = createHttp2Server(secure);
      (server as unknown as { [key: symbol]: unknown })[Symbol.for('nodejs.rejection')] = () => undefined;
      // eslint-disable-next-line @typescript-eslint/no-misused-promises, @typescript-eslint/require-await -- async on purpose: tests a listener that rejects
      server.on('stream', async stream => {
        stream.respond({ ':status': 500 });
        stream.end();
        throw failure;
      });
      const running = await serve(server, secure);
      await h2request(connect(running));
      await waitForCount(heard, 1);
      const [span] = await waitForSpans(1);
      assert.equal(heard[0].kwargs.exception, failure);
      assert.equal(span.events.filter(event => event.name === 'exception').length, 1);
      assert.equal(span.status.code, SpanStatusCode.ERROR);
      assert.equal(span.attributes['error.type'], 'Error');
    });

    it('finishes a stream reset by the client as aborted', async () => {
      const finished = record(requestFinished);
      const server = createHttp2Server(secure);
      server.on('stream', stream => {
        stream.respond({ ':status': 200 });
        stream.write('partial');
      });
      const running = await serve(server, secure);
      const client = connect(running);
      await new Promise<void>(resolve => {
        const stream = client.request({ ':path': '/cut' });
        stream.on('error', () => undefined);
        stream.once('data', () => stream.close(http2.constants.NGHTTP2_CANCEL));
        stream.on('close', () => resolve());
      });
      await waitForCount(finished, 1);
      assert.equal(finished[0].kwargs.aborted, true);
      const [span] = await waitForSpans(1);
      assert.equal(span.attributes['http.response.status_code'], 200);
      assert.equal(span.attributes['error.type'], 'aborted');
    });

    it('finishes streams cut by a GOAWAY from the server', async () => {
      const finished = record(requestFinished);
      const server = createHttp2Server(secure);
      server.on('stream', stream => {
        stream.respond({ ':status': 200 });
        stream.write('x');
        stream.session?.goaway(http2.constants.NGHTTP2_INTERNAL_ERROR);
        stream.session?.destroy();
      });
      const running = await serve(server, secure);
      await h2request(connect(running));
      await waitForCount(finished, 1);
      assert.equal(finished[0].kwargs.aborted, true);
      await waitForSpans(1);
    });

    it('leaves a server with a request listener to the compatibility API: one span per stream', async () => {
      const started = record(requestStarted);
      const server = createHttp2Server(secure);
      let streamListenerSaw = 0;
      server.on('stream', () => streamListenerSaw++);
      server.on('request', (_req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => res.end('compat'));
      const running = await serve(server, secure);
      await h2request(connect(running));
      const spans = await waitForSpans(1);
      assert.equal(spans.length, 1);
      assert.equal(streamListenerSaw, 1);
      assert.equal(started.length, 1);
      assert.ok(started[0].kwargs.request instanceof http2.Http2ServerRequest);
    });
  });
}
