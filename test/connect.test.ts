import * as assert from 'node:assert/strict';
import type * as http from 'http';
import * as path from 'path';
import { gotRequestException } from '../src';
import { Report, exceptionsSeen, packageDir, runFixture, serverSpansOf } from './fixtures/express-fixture';
import { ClientResponse, request } from './utils/client';
import { useInstrumentation } from './utils/instrumentation';
import { record } from './utils/receivers';
import { FIXTURES, RunningServer, startHttpServer } from './utils/server';
import { serverSpans, waitForSpans } from './utils/tracing';

interface AppFixture {
  buildApp(connect: unknown): http.RequestListener;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a JavaScript fixture, by its path in test/fixtures (not in build/)
const connectApp = require(path.join(FIXTURES, 'connect-app.js')) as AppFixture;

/* The errors Connect answers itself, in request order. */
const CONNECT_ERRORS = [
  ['/throw', 'middleware threw'],
  ['/next-error', 'passed to next'],
];

const ROUTES = { '/ok': '/ok', '/api/users/42': '/api/users' };

/* Connect reads NODE_ENV once, at require: 'test' keeps finalhandler from logging each error. */
function requireConnectQuietly(): unknown {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'test';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here, with NODE_ENV set, once the instrumentation is enabled
    return require('connect');
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
}

describe('Connect, in this process', () => {
  useInstrumentation();
  let running: RunningServer;
  before(async () => {
    // Required once the instrumentation is enabled: the hooks patch modules as they load.
    running = await startHttpServer(connectApp.buildApp(requireConnectQuietly()));
  });
  after(() => running.close());

  async function get(urlPath: string): Promise<ClientResponse> {
    const response = await request(running.port, { path: urlPath });
    await waitForSpans(1);
    return response;
  }

  for (const [urlPath, message] of CONNECT_ERRORS) {
    it(`fires gotRequestException once for ${urlPath}, with the span active`, async () => {
      const heard = record(gotRequestException);
      await get(urlPath);
      assert.deepEqual(
        heard.map(call => [(call.kwargs.exception as Error).message, call.activeSpan === call.kwargs.span]),
        [[message, true]]
      );
    });
  }

  it("records the error on the SERVER span, which ends with Connect's 500", async () => {
    await get('/throw');
    const [span] = serverSpans();
    assert.deepEqual(
      [span.events.map(event => event.name), span.status.code, span.attributes['http.response.status_code']],
      [['exception'], 2, 500]
    );
  });

  it("does not fire for an error the app's own error middleware answers", async () => {
    const heard = record(gotRequestException);
    const response = await get('/handled');
    assert.deepEqual([response.status, heard.length], [422, 0]);
  });

  it('does not fire for an error with a 4xx status that Connect answers', async () => {
    const heard = record(gotRequestException);
    const response = await get('/not-found-error');
    assert.deepEqual([response.status, heard.length], [404, 0]);
  });

  for (const [urlPath, route] of Object.entries(ROUTES)) {
    it(`names the span from the mount path for ${urlPath}`, async () => {
      await get(urlPath);
      const [span] = serverSpans();
      assert.deepEqual([span.name, span.attributes['http.route']], [`GET ${route}`, route]);
    });
  }

  it('leaves http.route unset for middleware mounted at the root', async () => {
    const response = await get('/root');
    const [span] = serverSpans();
    assert.deepEqual([response.body, span.name, span.attributes['http.route']], ['root', 'GET', undefined]);
  });
});

describe('Connect, in its own process', () => {
  let report: Report;
  let bare: Report;
  let registeredTwice: Report;
  before(async function () {
    this.timeout(30_000);
    [report, bare, registeredTwice] = await Promise.all([
      runFixture('connect-app.js', packageDir('connect')),
      runFixture('connect-app.js', packageDir('connect'), '--bare'),
      runFixture('connect-app.js', packageDir('connect'), '--twice'),
    ]);
  });

  it('answers every request exactly as without the instrumentation (status, content type, body)', () => {
    assert.deepEqual(report.results, bare.results);
  });

  it('fires gotRequestException once per error, an ignored async rejection included', () => {
    assert.deepEqual(exceptionsSeen(report), [
      ...CONNECT_ERRORS.map(([urlPath, message]): [string, string, boolean] => [urlPath, message, true]),
      ['/reject', 'async middleware rejected', true],
    ]);
  });

  it('leaves an async rejection unhandled and unanswered, exactly as without the instrumentation', () => {
    assert.deepEqual(
      [report.unhandled, report.results['/reject'].status],
      [bare.unhandled, bare.results['/reject'].status]
    );
    assert.deepEqual(bare.unhandled, ['async middleware rejected']);
  });

  it('records the async rejection on its SERVER span', () => {
    const [span] = serverSpansOf(report, '/reject');
    assert.deepEqual([span.events, span.status, span.route], [['exception'], 2, '/reject']);
  });

  it('patches once when registered twice: the same answers, reports and unhandled rejections', () => {
    const view = (run: Report) => [run.results, exceptionsSeen(run), run.unhandled, run.spans.map(s => s.name)];
    assert.deepEqual(view(registeredTwice), view(report));
  });
});
