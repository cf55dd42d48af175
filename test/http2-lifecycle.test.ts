import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as http2 from 'http2';
import * as path from 'path';
import { RequestSignalsInstrumentation, gotRequestException, requestFinished, requestStarted } from '../src';
import { Http2Answer, Http2Server, collectingUncaught, createHttp2Server, h2request, useHttp2 } from './utils/http2';
import { instrumentation, useConfigurableInstrumentation } from './utils/instrumentation';
import { record, waitForCount } from './utils/receivers';
import { FIXTURES } from './utils/server';
import { exporter, serverSpans, waitForSpans } from './utils/tracing';

/*
 * Enabling, disabling and configuring the instrumentation, on both HTTP/2
 * APIs and both server classes (Http2Server and Http2SecureServer have
 * prototypes of their own, patched apart). A negative check ("no span, no
 * signal") waits for the app's own 'close' listener, which runs after ours.
 */

/** How an app serves with each API: 200, `headers`, the path as body, once `gate` opens. */
interface Api {
  label: string;
  serve(server: Http2Server, app: App): void;
}

interface App {
  headers: http2.OutgoingHttpHeaders;
  gate: () => Promise<void>;
  closed: unknown[];
}

const COMPAT: Api = {
  label: 'compatibility API',
  serve: (server, app) =>
    server.on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
      res.on('close', () => app.closed.push(req.url));
      res.writeHead(200, app.headers);
      void app.gate().then(() => res.end(req.url));
    }),
};

const CORE: Api = {
  label: 'core API',
  serve: (server, app) =>
    server.on('stream', (stream, headers) => {
      stream.on('close', () => app.closed.push(headers[':path']));
      stream.respond({ ':status': 200, ...app.headers });
      void app.gate().then(() => stream.end(headers[':path']));
    }),
};

for (const api of [COMPAT, CORE]) {
  for (const secure of [false, true]) {
    describe(`HTTP/2 ${api.label}, ${secure ? 'h2 over TLS' : 'h2c'}: enable, disable, configure`, () => {
      useConfigurableInstrumentation();
      const { serve, connect } = useHttp2();

      /** A server of this API; get() resolves once the server closed the exchange. */
      async function start(headers: http2.OutgoingHttpHeaders = {}) {
        const app: App = { headers, gate: () => Promise.resolve(), closed: [] };
        const server = createHttp2Server(secure);
        api.serve(server, app);
        const client = connect(await serve(server, secure));
        const get = async (path: string, requestHeaders: http2.OutgoingHttpHeaders = {}): Promise<Http2Answer> => {
          const closedBefore = app.closed.length;
          const answer = await h2request(client, { ':path': path, ...requestHeaders });
          await waitForCount(app.closed, closedBefore + 1);
          return answer;
        };
        return { app, get };
      }

      it('fires nothing and makes no span while disabled, and everything again once enabled', async () => {
        const started = record(requestStarted);
        const finished = record(requestFinished);
        const { get } = await start();
        const bare = await get('/disabled');
        assert.deepEqual(
          [bare.status, bare.body.toString(), started.length, finished.length, serverSpans().length],
          [200, '/disabled', 0, 0, 0]
        );
        instrumentation.enable();
        instrumentation.disable();
        await get('/disabled-again');
        assert.deepEqual([started.length, serverSpans().length], [0, 0]);
        instrumentation.enable();
        const traced = await get('/enabled');
        const [span] = await waitForSpans(1);
        assert.deepEqual(
          [traced.body.toString(), started.length, finished.length, span.attributes['url.path']],
          ['/enabled', 1, 1, '/enabled']
        );
      });

      it('instruments a server created and listening before the instrumentation was enabled', async () => {
        const { get } = await start();
        await get('/before');
        instrumentation.enable();
        const started = record(requestStarted);
        await get('/after');
        const spans = await waitForSpans(1);
        assert.deepEqual([spans.map(span => span.attributes['url.path']), started.length], [['/after'], 1]);
      });

      it('finishes a stream that started while enabled once, after disable(), and ends its span', async () => {
        instrumentation.enable();
        const started = record(requestStarted);
        const finished = record(requestFinished);
        let open!: () => void;
        const { app, get } = await start();
        app.gate = () => new Promise(resolve => (open = resolve));
        const answer = get('/in-flight');
        await waitForCount(started, 1); // the app's listener has run: the gate is waiting
        instrumentation.disable();
        open();
        assert.equal((await answer).body.toString(), '/in-flight');
        const [span] = await waitForSpans(1);
        assert.deepEqual(
          [finished.map(call => call.kwargs.aborted), span.attributes['http.response.status_code']],
          [[false], 200]
        );
      });

      it('makes one span and fires each signal once with two instances enabled, and with either one', async () => {
        instrumentation.enable();
        instrumentation.enable();
        const second = new RequestSignalsInstrumentation();
        try {
          const started = record(requestStarted);
          const finished = record(requestFinished);
          const { get } = await start();
          await get('/both');
          second.disable();
          await get('/first-only');
          second.enable();
          instrumentation.disable();
          await get('/second-only');
          const spans = await waitForSpans(3);
          assert.deepEqual(
            spans.map(span => span.attributes['url.path']),
            ['/both', '/first-only', '/second-only']
          );
          assert.deepEqual([started.length, finished.length], [3, 3]);
        } finally {
          second.disable();
        }
      });

      for (const [kind, matcher] of [
        ['a path string', '/health'],
        ['a RegExp', /^\/health$/],
      ] as const) {
        it(`ignores the streams ignoreIncomingRequest matches with ${kind}: no span, signals with a non-recording span`, async () => {
          instrumentation.setConfig({ ignoreIncomingRequest: matcher });
          instrumentation.enable();
          const recording: boolean[] = [];
          const started = record(requestStarted, kwargs => recording.push(kwargs.span.isRecording()));
          const { get } = await start();
          const ignored = await get('/health?probe=1');
          await get('/healthz');
          const spans = await waitForSpans(1);
          assert.deepEqual(
            [ignored.body.toString(), spans.map(span => span.attributes['url.path']), recording],
            ['/health?probe=1', ['/healthz'], [false, true]]
          );
          instrumentation.setConfig({ ignoreIncomingRequest: matcher, signalsForIgnored: false });
          await get('/health');
          assert.deepEqual([started.length, serverSpans().length], [2, 1]);
        });
      }

      it('records the headers headersToSpanAttributes lists, request and response, credentials redacted', async () => {
        instrumentation.setConfig({
          headersToSpanAttributes: { request: ['x-tenant'], response: ['x-served-by', 'set-cookie'] },
        });
        instrumentation.enable();
        const { get } = await start({ 'x-served-by': api.label, 'set-cookie': ['a=1', 'b=2'], 'x-other': 'no' });
        const answer = await get('/headers', { 'x-tenant': 'acme', 'x-unlisted': 'no' });
        const [span] = await waitForSpans(1);
        const captured = Object.fromEntries(
          Object.entries(span.attributes).filter(([name]) => name.includes('.header.'))
        );
        assert.deepEqual(answer.headers['set-cookie'], ['a=1', 'b=2']);
        assert.deepEqual(captured, {
          'http.request.header.x-tenant': ['acme'],
          'http.response.header.x-served-by': [api.label],
          'http.response.header.set-cookie': ['REDACTED'],
        });
      });
    });
  }
}

describe('HTTP/2 core API: a stream listener that throws synchronously', () => {
  useConfigurableInstrumentation();
  const { serve, connect } = useHttp2();
  const failure = new Error('stream listener threw');
  const hostile = {
    toString: () => assert.fail('toString'),
    [Symbol.toPrimitive]: () => assert.fail('toPrimitive'),
  };

  /** A core server whose listener answers 500, then throws `thrown`: what the client and the process see. */
  async function throwingExchange(thrown: unknown): Promise<{ answer: unknown; uncaught: unknown[] }> {
    return collectingUncaught(async uncaught => {
      const closed: unknown[] = [];
      const server = createHttp2Server(false);
      server.on('stream', stream => {
        stream.on('close', () => closed.push(stream));
        stream.respond({ ':status': 500 });
        stream.end('failed');
        throw thrown;
      });
      const answer = await h2request(connect(await serve(server, false)));
      await waitForCount(closed, 1);
      return { answer: [answer.status, answer.body.toString()], uncaught };
    });
  }

  for (const [kind, thrown] of [
    ['an Error', failure],
    ['a value every conversion of which throws', hostile],
  ] as const) {
    it(`reports ${kind} once, and it reaches uncaughtException exactly as without us`, async () => {
      const bare = await throwingExchange(thrown);
      instrumentation.enable();
      const heard = record(gotRequestException);
      const instrumented = await throwingExchange(thrown);
      const [span] = await waitForSpans(1);
      assert.deepEqual(bare, { answer: [500, 'failed'], uncaught: [thrown] });
      assert.deepEqual(instrumented, bare);
      assert.equal(instrumented.uncaught[0], thrown);
      assert.deepEqual(
        heard.map(call => [call.kwargs.exception === thrown, call.activeSpan === call.kwargs.span]),
        [[true, true]]
      );
      assert.deepEqual(
        span.events.map(event => event.name),
        ['exception']
      );
    });
  }
});

/*
 * Node's compatibility layer, once a server had a 'request' listener, goes on
 * emitting 'request' for every stream even after the listener is removed. A
 * server left with only 'stream' listeners is served with the core API: that
 * stream's Http2ServerRequest must not open a second record.
 */
describe('HTTP/2: a server whose request listeners were all removed', () => {
  useConfigurableInstrumentation();
  const { serve, connect } = useHttp2();

  it('serves its streams with the core API: one span, each signal once', async () => {
    instrumentation.enable();
    const started = record(requestStarted);
    const finished = record(requestFinished);
    const compat = () => assert.fail('removed');
    const server = http2.createServer(compat);
    server.removeListener('request', compat);
    server.on('stream', stream => {
      stream.respond({ ':status': 201 });
      stream.end('core');
    });
    const answer = await h2request(connect(await serve(server, false)));
    await waitForCount(finished, 1);
    const spans = await waitForSpans(1);
    assert.deepEqual([answer.status, answer.body.toString()], [201, 'core']);
    assert.deepEqual(
      started.map(call => call.kwargs.request.constructor.name),
      ['StreamRequest']
    );
    assert.deepEqual([spans.length, spans[0].attributes['http.response.status_code']], [1, 201]);
    assert.equal(exporter.getFinishedSpans().length, 1);
  });
});

/* A child process: the global tracer provider cannot be unregistered in this one. */
describe('HTTP/2 without a TracerProvider', () => {
  it('fires the signals on both APIs with a non-recording span, and traces once a provider is registered', function () {
    this.timeout(20000);
    const output = execFileSync(process.execPath, [path.join(FIXTURES, 'http2-no-sdk.js')], {
      cwd: FIXTURES,
      encoding: 'utf8',
    });
    const { withoutProvider, afterRegister } = JSON.parse(output) as Record<string, Record<string, unknown>>;
    const seen = (recording: boolean) => ({
      started: 1,
      finished: 1,
      aborted: false,
      exceptions: 1,
      // The app's own rejection still reaches unhandledRejection, as without us.
      unhandled: 1,
      recording,
      // Without an SDK no context manager is registered, so nothing is active.
      activeInListener: recording,
      stream: true,
      environProtocol: 'HTTP/2',
    });
    assert.deepEqual(withoutProvider, { compat: seen(false), core: seen(false), bodies: ['compat', 'core'] });
    assert.deepEqual(afterRegister, {
      compat: seen(true),
      core: seen(true),
      bodies: ['compat', 'core'],
      spans: ['2', '2'],
    });
  });
});
