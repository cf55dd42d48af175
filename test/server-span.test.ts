import * as assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import * as http from 'http';
import { requestStarted } from '../src';
import { abortAfterSending, rawExchange, request } from './utils/client';
import { useInstrumentation } from './utils/instrumentation';
import { record } from './utils/receivers';
import { startHttpsServer, useServer } from './utils/server';
import { serverSpans, waitForSpans } from './utils/tracing';

describe('the SERVER span', () => {
  useInstrumentation();
  const startServer = useServer();

  async function serve(listener: http.RequestListener): Promise<number> {
    return (await startServer(listener)).port;
  }

  it('is one SERVER span per request, named by the method', async () => {
    const port = await serve((_req, res) => res.end());
    await request(port, { method: 'POST', body: 'x' });
    const spans = await waitForSpans(1);
    assert.deepEqual(
      spans.map(s => [s.name, s.kind]),
      [['POST', SpanKind.SERVER]]
    );
  });

  it('carries the stable HTTP semantic convention attributes', async () => {
    const port = await serve((_req, res) => res.end());
    await request(port, { path: '/users/42?tab=posts', headers: { 'User-Agent': 'signals-test/1.0' } });
    const [span] = await waitForSpans(1);
    const { 'network.peer.port': peerPort, ...rest } = span.attributes;
    assert.ok(typeof peerPort === 'number' && peerPort > 0);
    assert.deepEqual(rest, {
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': '/users/42',
      'url.query': 'tab=posts',
      'server.address': '127.0.0.1',
      'server.port': port,
      'client.address': '127.0.0.1',
      'network.peer.address': '127.0.0.1',
      'network.protocol.version': '1.1',
      'user_agent.original': 'signals-test/1.0',
      'http.response.status_code': 200,
    });
  });

  it('starts with the request attributes, so samplers see them', async () => {
    const started = record(requestStarted);
    const port = await serve((_req, res) => res.end());
    await request(port, { path: '/sampled' });
    const span = started[0].kwargs.span as unknown as { attributes: Record<string, unknown> };
    assert.equal(span.attributes['url.path'], '/sampled');
  });

  it('takes its parent from an incoming traceparent', async () => {
    const port = await serve((_req, res) => res.end());
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const parentId = 'b7ad6b7169203331';
    await request(port, { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
    const [span] = await waitForSpans(1);
    assert.deepEqual([span.spanContext().traceId, span.parentSpanContext?.spanId], [traceId, parentId]);
  });

  it('starts a new trace when the traceparent is malformed', async () => {
    const port = await serve((_req, res) => res.end());
    await request(port, { headers: { traceparent: '00-zzzz-b7ad6b7169203331-01' } });
    const [span] = await waitForSpans(1);
    assert.equal(span.parentSpanContext, undefined);
  });

  it('reports an unknown method as _OTHER with the original, named HTTP', async () => {
    const port = await serve((_req, res) => res.end());
    await request(port, { method: 'PROPFIND' });
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      [span.name, span.attributes['http.request.method'], span.attributes['http.request.method_original']],
      ['HTTP', '_OTHER', 'PROPFIND']
    );
  });

  it('leaves the status unset for a 4xx', async () => {
    const port = await serve((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    await request(port);
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      [span.status.code, span.attributes['http.response.status_code'], span.attributes['error.type']],
      [SpanStatusCode.UNSET, 404, undefined]
    );
  });

  it('sets status ERROR and error.type for a 5xx', async () => {
    const port = await serve((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    await request(port);
    const [span] = await waitForSpans(1);
    assert.deepEqual([span.status.code, span.attributes['error.type']], [SpanStatusCode.ERROR, '503']);
  });

  it('does not report an aborted request as a 200', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>(resolve => (arrived = resolve));
    const port = await serve(() => arrived());
    await abortAfterSending(port, '/abandoned', requestArrived);
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      [span.attributes['http.response.status_code'], span.status.code, span.attributes['error.type']],
      [undefined, SpanStatusCode.ERROR, 'aborted']
    );
  });

  it('reports url.scheme https for an https server', async () => {
    const secure = await startHttpsServer((_req, res) => res.end('secure'));
    const response = await request(secure.port, { tls: true, path: '/s' }).finally(() => secure.close());
    const spans = await waitForSpans(1);
    assert.deepEqual(
      [response.body, spans.length, spans[0].attributes['url.scheme'], spans[0].attributes['url.path']],
      ['secure', 1, 'https', '/s']
    );
  });

  it('takes client.address from X-Forwarded-For when a proxy sent it', async () => {
    const port = await serve((_req, res) => res.end());
    await request(port, { headers: { 'X-Forwarded-For': '203.0.113.7, 10.0.0.1' } });
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      [span.attributes['client.address'], span.attributes['network.peer.address']],
      ['203.0.113.7', '127.0.0.1']
    );
  });

  describe('server.address and server.port from the Host header', () => {
    async function spanForRaw(requestHead: string) {
      const port = await serve((_req, res) => res.end());
      const response = await rawExchange(port, `${requestHead}\r\nConnection: close\r\n\r\n`);
      assert.match(response, /^HTTP\/1\.[01] 200/);
      const [span] = await waitForSpans(1);
      return span;
    }

    it('leaves server.port out when the port is not a number, and keeps the address', async () => {
      const span = await spanForRaw('GET / HTTP/1.1\r\nHost: example.com:abc');
      assert.deepEqual([span.attributes['server.address'], 'server.port' in span.attributes], ['example.com', false]);
    });

    it('gives an IPv6 address without brackets, and the default port when there is none', async () => {
      const span = await spanForRaw('GET / HTTP/1.1\r\nHost: [2001:db8::7]');
      assert.deepEqual([span.attributes['server.address'], span.attributes['server.port']], ['2001:db8::7', 80]);
    });

    it('leaves both out for an HTTP/1.0 request without Host, rather than naming the local socket', async () => {
      const span = await spanForRaw('GET /old HTTP/1.0');
      assert.deepEqual(
        [span.attributes['url.path'], 'server.address' in span.attributes, 'server.port' in span.attributes],
        ['/old', false, false]
      );
    });
  });

  it('ends only SERVER spans of its own', async () => {
    const port = await serve((_req, res) => res.end());
    await request(port);
    await request(port);
    await waitForSpans(2);
    assert.equal(serverSpans().length, 2);
  });
});
