import * as assert from 'node:assert/strict';
import { once } from 'events';
import * as http from 'http';
import { diag, DiagLogLevel, trace } from '@opentelemetry/api';
import * as sinon from 'sinon';
import { gotRequestException, requestFinished, requestStarted } from '../src';
import { PACKAGE_NAME } from '../src/version';
import { abortAfterSending, request } from './utils/client';
import { countClosedResponses } from './utils/closed-responses';
import { useInstrumentation } from './utils/instrumentation';
import { connectForTest, record } from './utils/receivers';
import { RunningServer, useServer } from './utils/server';
import { waitForSpans } from './utils/tracing';

describe('request signals over a real http server', () => {
  useInstrumentation();
  const startServer = useServer();

  async function serve(listener: http.RequestListener): Promise<RunningServer> {
    return startServer(listener);
  }

  it('fires requestStarted, then the listener, then requestFinished', async () => {
    const order: string[] = [];
    connectForTest(requestStarted, () => order.push('started'));
    connectForTest(requestFinished, () => order.push('finished'));
    const { port } = await serve((_req, res) => {
      order.push('listener');
      res.end('ok');
    });
    await request(port);
    await waitForSpans(1);
    assert.deepEqual(order, ['started', 'listener', 'finished']);
  });

  it('sends with the server that received the request as sender', async () => {
    const started = record(requestStarted);
    const { port, server } = await serve((_req, res) => res.end());
    await request(port);
    assert.equal(started[0].sender, server);
  });

  it('gives receivers the request, the response and the span', async () => {
    const started = record(requestStarted);
    let listenerRequest: http.IncomingMessage | undefined;
    const { port } = await serve((req, res) => {
      listenerRequest = req;
      res.end();
    });
    await request(port);
    const [{ kwargs }] = started;
    assert.equal(kwargs.request, listenerRequest);
    assert.equal((kwargs.response as http.ServerResponse).req, listenerRequest);
    assert.ok(kwargs.span.spanContext().traceId);
  });

  it('makes the span active in every receiver and in the listener', async () => {
    const started = record(requestStarted);
    const finished = record(requestFinished);
    let listenerSpan: unknown;
    const { port } = await serve((_req, res) => {
      listenerSpan = trace.getActiveSpan();
      res.end();
    });
    await request(port);
    await waitForSpans(1);
    const span = started[0].kwargs.span;
    assert.equal(started[0].activeSpan, span);
    assert.equal(listenerSpan, span);
    assert.equal(finished[0].activeSpan, span);
  });

  it('keeps the span active in listeners of the request body', async () => {
    const started = record(requestStarted);
    let spanAtEnd: unknown;
    const { port } = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        spanAtEnd = trace.getActiveSpan();
        res.end();
      });
    });
    await request(port, { method: 'POST', body: 'x'.repeat(100_000) });
    assert.equal(spanAtEnd, started[0].kwargs.span);
  });

  it("keeps the span active in the response's 'finish' listeners", async () => {
    const started = record(requestStarted);
    let spanAtFinish: unknown;
    const { port } = await serve((_req, res) => {
      res.on('finish', () => (spanAtFinish = trace.getActiveSpan()));
      setTimeout(() => res.end('late'), 5);
    });
    await request(port);
    await waitForSpans(1);
    assert.equal(spanAtFinish, started[0].kwargs.span);
  });

  it('leaves the listeners the app adds unwrapped, so it can find and remove them', async () => {
    let seen: { found: boolean; removed: boolean } | undefined;
    const { port } = await serve((req, res) => {
      const onData = () => undefined;
      req.on('data', onData);
      const found = req.listeners('data').includes(onData);
      req.removeListener('data', onData);
      seen = { found, removed: req.listenerCount('data') === 0 };
      req.resume();
      res.end();
    });
    await request(port, { method: 'POST', body: 'x' });
    assert.deepEqual(seen, { found: true, removed: true });
  });

  it('fires requestFinished exactly once per request on a keep-alive connection', async () => {
    const finished = record(requestFinished);
    const started = record(requestStarted);
    const { port } = await serve((_req, res) => res.end('ok'));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 5; i++) await request(port, { agent, path: `/${i}` });
    agent.destroy();
    await waitForSpans(5);
    assert.deepEqual(
      finished.map(h => h.kwargs.request.url),
      ['/0', '/1', '/2', '/3', '/4']
    );
    assert.equal(started.length, 5);
  });

  it('reports aborted: false and a duration for a finished response', async () => {
    const finished = record(requestFinished);
    const { port } = await serve((_req, res) => setTimeout(() => res.end(), 20));
    await request(port);
    await waitForSpans(1);
    assert.equal(finished[0].kwargs.aborted, false);
    assert.ok(finished[0].kwargs.durationMs >= 15, `durationMs ${finished[0].kwargs.durationMs}`);
  });

  it('reports aborted: true when the client goes away first', async () => {
    const finished = record(requestFinished);
    let arrived!: () => void;
    const requestArrived = new Promise<void>(resolve => (arrived = resolve));
    const { port } = await serve(() => arrived());
    await abortAfterSending(port, '/slow', requestArrived);
    await waitForSpans(1);
    assert.equal(finished.length, 1);
    assert.equal(finished[0].kwargs.aborted, true);
  });

  it('lets a requestFinished receiver add attributes before the span ends', async () => {
    connectForTest(requestFinished, (_server, kw) => kw.span.setAttribute('app.finished_by_receiver', true));
    const { port } = await serve((_req, res) => res.end());
    await request(port);
    const [span] = await waitForSpans(1);
    assert.equal(span.attributes['app.finished_by_receiver'], true);
  });

  it('builds environ only when a receiver reads it', async () => {
    const started = record(requestStarted);
    const { port } = await serve((_req, res) => res.end());
    await request(port);
    const kwargs = started[0].kwargs as unknown as { builtEnviron: unknown; environ: unknown };
    assert.equal(kwargs.builtEnviron, undefined);
    assert.equal(kwargs.environ, kwargs.environ);
  });

  it('gives requestStarted a WSGI environ', async () => {
    let environ: Record<string, string> = {};
    connectForTest(requestStarted, (_server, kw) => {
      environ = { ...kw.environ };
    });
    const { port } = await serve((_req, res) => res.end());
    await request(port, {
      method: 'POST',
      path: '/caf%C3%A9/menu?sort=asc&x=%20',
      headers: { 'Content-Type': 'text/plain', 'X-Request-Id': 'abc', 'User-Agent': 'test-agent' },
      body: 'hello',
    });
    assert.deepEqual(
      {
        REQUEST_METHOD: environ.REQUEST_METHOD,
        PATH_INFO: environ.PATH_INFO,
        QUERY_STRING: environ.QUERY_STRING,
        SERVER_NAME: environ.SERVER_NAME,
        SERVER_PORT: environ.SERVER_PORT,
        SERVER_PROTOCOL: environ.SERVER_PROTOCOL,
        REMOTE_ADDR: environ.REMOTE_ADDR,
        CONTENT_TYPE: environ.CONTENT_TYPE,
        CONTENT_LENGTH: environ.CONTENT_LENGTH,
        HTTP_X_REQUEST_ID: environ.HTTP_X_REQUEST_ID,
        HTTP_USER_AGENT: environ.HTTP_USER_AGENT,
        scheme: environ['wsgi.url_scheme'],
      },
      {
        REQUEST_METHOD: 'POST',
        PATH_INFO: '/café/menu',
        QUERY_STRING: 'sort=asc&x=%20',
        SERVER_NAME: '127.0.0.1',
        SERVER_PORT: String(port),
        SERVER_PROTOCOL: 'HTTP/1.1',
        REMOTE_ADDR: '127.0.0.1',
        CONTENT_TYPE: 'text/plain',
        CONTENT_LENGTH: '5',
        HTTP_X_REQUEST_ID: 'abc',
        HTTP_USER_AGENT: 'test-agent',
        scheme: 'http',
      }
    );
    assert.match(environ.REMOTE_PORT, /^\d+$/);
  });

  describe('with failing receivers', () => {
    let logged: sinon.SinonSpy;
    beforeEach(() => {
      logged = sinon.spy();
      diag.setLogger(
        { error: logged, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
        { logLevel: DiagLogLevel.ERROR, suppressOverrideMessage: true }
      );
    });
    afterEach(() => diag.disable());

    it('still answers the request and calls the other receivers when one throws', async () => {
      connectForTest(requestStarted, function brokenReceiver() {
        throw new Error('receiver bug');
      });
      const after = record(requestStarted);
      connectForTest(requestFinished, () => {
        throw new Error('finished bug');
      });
      const { port } = await serve((_req, res) => res.end('body'));
      const response = await request(port);
      await waitForSpans(1);
      assert.deepEqual([response.status, response.body, after.length], [200, 'body', 1]);
    });

    it("reports a throwing receiver through the instrumentation's diag logger, by name", async () => {
      connectForTest(requestStarted, function brokenReceiver() {
        throw new Error('receiver bug');
      });
      const { port } = await serve((_req, res) => res.end());
      await request(port);
      assert.ok(logged.calledWithMatch(PACKAGE_NAME, /brokenReceiver.*receiver bug/));
    });

    it('reports a receiver whose promise rejects, without an unhandled rejection', async () => {
      const unhandled = sinon.spy();
      process.on('unhandledRejection', unhandled);
      connectForTest(requestStarted, async function asyncBrokenReceiver() {
        throw new Error('async receiver bug');
      });
      const { port, server } = await serve((_req, res) => res.end());
      const closed = countClosedResponses(server);
      const response = await request(port);
      await closed(1); // a later tick than the receiver's rejection, and so than its unhandledRejection
      process.off('unhandledRejection', unhandled);
      assert.equal(response.status, 200);
      assert.ok(logged.calledWithMatch(PACKAGE_NAME, /asyncBrokenReceiver.*async receiver bug/));
      assert.equal(unhandled.callCount, 0);
    });

    it('does not fire gotRequestException for a receiver error', async () => {
      const exceptions = record(gotRequestException);
      connectForTest(requestStarted, () => {
        throw new Error('receiver bug');
      });
      const { port } = await serve((_req, res) => res.end());
      await request(port);
      await waitForSpans(1);
      assert.equal(exceptions.length, 0);
    });
  });

  it('fires for a checkContinue listener as for a request listener', async () => {
    const started = record(requestStarted);
    const finished = record(requestFinished);
    const running = await startServer();
    running.server.on('checkContinue', (_req, res) => {
      res.writeContinue();
      res.end('continued');
    });
    const response = await request(running.port, { method: 'POST', headers: { Expect: '100-continue' }, body: 'x' });
    await waitForSpans(1);
    assert.deepEqual([response.body, started.length, finished.length], ['continued', 1, 1]);
  });

  it('does not fire for connection upgrades, which are not requests', async () => {
    const started = record(requestStarted);
    const running = await startServer((_req, res) => res.end());
    running.server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\n\r\n'));
    const upgraded = once(running.server, 'upgrade');
    const outgoing = http.request({
      host: '127.0.0.1',
      port: running.port,
      headers: { Connection: 'Upgrade', Upgrade: 'test' },
    });
    outgoing.on('upgrade', (_res, socket) => socket.destroy());
    outgoing.end();
    await upgraded;
    assert.equal(started.length, 0);
  });
});
