import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import type * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { gotRequestException } from '../src';
import { Report, exceptionsSeen, packageDir, runFixture, serverSpansOf } from './fixtures/express-fixture';
import { ClientResponse, request } from './utils/client';
import { countClosedResponses } from './utils/closed-responses';
import { instrumentation, useInstrumentation } from './utils/instrumentation';
import { Heard, record } from './utils/receivers';
import { FIXTURES, RunningServer, startHttpServer } from './utils/server';
import { exporter, serverSpans, waitForSpans } from './utils/tracing';

interface AppFixture {
  buildApp(express: unknown, env: string): http.RequestListener;
  PATHS: string[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a JavaScript fixture, by its path in test/fixtures (not in build/)
const expressApp = require(path.join(FIXTURES, 'express-app.js')) as AppFixture;

/* The errors Express answers itself (Express 4: the rejections it ignores), in request order. */
const FRAMEWORK_ERRORS = [
  ['/throw', 'route threw'],
  ['/middleware-throw', 'middleware threw'],
  ['/next-error', 'passed to next'],
  ['/reject', 'async route rejected'],
  ['/error-handler-rejects', 'error handler rejected'],
];

const ROUTES = {
  '/ok': '/ok',
  '/api/users/42': '/api/users/:id',
  '/api': '/api',
  '/orgs/acme/repos/otel': '/orgs/:org/repos/:repo',
  '/admin/stats': '/admin/stats',
  '/pass/through': '/pass/through',
};

function messageOf(heard: Heard<{ exception: unknown }>): string {
  return (heard.kwargs.exception as Error).message;
}

describe('Express 5, in this process', () => {
  useInstrumentation();
  let running: RunningServer;
  before(async () => {
    // Required once the instrumentation is enabled: the hooks patch modules as they load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once the instrumentation is enabled, as said above
    running = await startHttpServer(expressApp.buildApp(require('express'), 'test'));
  });
  after(() => running.close());

  async function get(urlPath: string): Promise<ClientResponse> {
    const response = await request(running.port, { path: urlPath });
    await waitForSpans(1);
    return response;
  }

  for (const [urlPath, message] of FRAMEWORK_ERRORS) {
    it(`fires gotRequestException once for ${urlPath}, with the span active`, async () => {
      const heard = record(gotRequestException);
      await get(urlPath);
      assert.deepEqual(
        heard.map(call => [messageOf(call), call.activeSpan === call.kwargs.span]),
        [[message, true]]
      );
    });
  }

  it('records a route error on the SERVER span: an exception event, status ERROR, the 500', async () => {
    await get('/throw');
    const [span] = serverSpans();
    assert.deepEqual(
      [span.events.map(event => event.name), span.status.code, span.attributes['http.response.status_code']],
      [['exception'], 2, 500]
    );
  });

  it("does not fire for an error the app's own error middleware answers with a 4xx", async () => {
    const heard = record(gotRequestException);
    const response = await get('/handled');
    assert.deepEqual([response.status, heard.length], [422, 0]);
  });

  it("does not fire for an error the app's own error middleware answers with a 500", async () => {
    const heard = record(gotRequestException);
    const response = await get('/handled-500');
    assert.deepEqual([response.status, heard.length], [500, 0]);
  });

  it('marks an app-answered 500 as ERROR by its status, without an exception event', async () => {
    await get('/handled-500');
    const [span] = serverSpans();
    assert.deepEqual([span.status.code, span.events.length], [2, 0]);
  });

  it('does not fire for an error with a 4xx status that Express answers', async () => {
    const heard = record(gotRequestException);
    const response = await get('/not-found-error');
    assert.deepEqual([response.status, heard.length, serverSpans()[0].status.code], [404, 0, 0]);
  });

  for (const [urlPath, route] of Object.entries(ROUTES)) {
    it(`names the span from the route template for ${urlPath}`, async () => {
      await get(urlPath);
      const [span] = serverSpans();
      assert.deepEqual([span.name, span.attributes['http.route']], [`GET ${route}`, route]);
    });
  }

  it('leaves http.route unset when no route matched', async () => {
    await get('/missing');
    const [span] = serverSpans();
    assert.deepEqual([span.name, span.attributes['http.route']], ['GET', undefined]);
  });

  it('once disabled, reports nothing and Express still answers', async () => {
    const heard = record(gotRequestException);
    const closed = countClosedResponses(running.server);
    instrumentation.disable();
    try {
      const response = await request(running.port, { path: '/throw' });
      await closed(1);
      assert.deepEqual([response.status, heard.length, exporter.getFinishedSpans().length], [500, 0, 0]);
    } finally {
      closed.stop();
      instrumentation.enable();
    }
  });

  it("puts router's own methods back when disabled, and replaces them again when enabled", () => {
    const source = ['router/lib/layer.js', 'router'].map(id => fs.readFileSync(require.resolve(id), 'utf8')).join('');
    /* eslint-disable @typescript-eslint/no-require-imports -- the modules Express loaded (after enable), not a copy loaded before */
    const Layer = require('router/lib/layer.js') as { prototype: Record<string, unknown> };
    const Router = require('router') as { prototype: Record<string, unknown> };
    /* eslint-enable @typescript-eslint/no-require-imports */
    const methods = () => [Layer.prototype.handleRequest, Router.prototype.use].map(String);
    const enabled = methods();
    instrumentation.disable();
    const disabled = methods();
    instrumentation.enable();
    const reEnabled = methods();
    const fromRouter = (texts: string[]) => texts.map(text => source.includes(text));
    assert.deepEqual(
      [fromRouter(enabled), fromRouter(disabled), fromRouter(reEnabled)],
      [
        [false, false],
        [true, true],
        [false, false],
      ]
    );
  });

  it('names routes again once re-enabled', async () => {
    instrumentation.disable();
    instrumentation.enable();
    await get('/api/users/42');
    assert.equal(serverSpans()[0].attributes['http.route'], '/api/users/:id');
  });
});

/*
 * Express 4 is installed under the alias "express4"; a hook keyed on
 * "express" needs it under its real name: a copy at <scratch>/node_modules/express.
 */
function copyExpress4(scratch: string): string {
  const expressDir = path.join(scratch, 'node_modules', 'express');
  fs.cpSync(packageDir('express4'), expressDir, { recursive: true });
  return expressDir;
}

for (const major of [5, 4]) {
  describe(`Express ${major}, in its own process`, () => {
    let expressDir: string;
    let scratch: string | undefined;
    let report: Report;
    let bare: Report;
    let withExpressInstrumentation: Report;
    let withHttpAndExpressInstrumentations: Report;
    let registeredTwice: Report;
    before(async function () {
      this.timeout(60_000);
      if (major === 4) {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'express4-'));
        expressDir = copyExpress4(scratch);
      } else {
        expressDir = packageDir('express');
      }
      // Five processes, at once.
      [report, registeredTwice, bare, withExpressInstrumentation, withHttpAndExpressInstrumentations] =
        await Promise.all([
          runFixture('express-app.js', expressDir),
          runFixture('express-app.js', expressDir, '--twice'),
          runFixture('express-app.js', expressDir, '--bare'),
          runFixture('express-app.js', expressDir, '--with-express-instrumentation'),
          runFixture('express-app.js', expressDir, '--with-http-instrumentation', '--with-express-instrumentation'),
        ]);
    });
    after(() => {
      if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it(`really runs express@${major}, loaded as "express"`, () => {
      assert.equal(report.version.split('.')[0], String(major));
    });

    it('answers every request exactly as without the instrumentation (status, content type, body)', () => {
      assert.deepEqual(report.results, bare.results);
    });

    it('fires gotRequestException once per error Express catches, with the span active', () => {
      assert.deepEqual(
        exceptionsSeen(report),
        FRAMEWORK_ERRORS.map(([urlPath, message]) => [urlPath, message, true])
      );
    });

    it('records each of them on its SERVER span: one exception event, status ERROR', () => {
      const spans = FRAMEWORK_ERRORS.map(([urlPath]) => serverSpansOf(report, urlPath)[0]);
      assert.deepEqual(
        spans.map(span => [span.events, span.status]),
        FRAMEWORK_ERRORS.map(() => [['exception'], 2])
      );
    });

    if (major === 4) {
      it('leaves async rejections unhandled and unanswered, exactly as without the instrumentation', () => {
        const view = (run: Report) => [run.unhandled, run.results['/reject'], run.results['/error-handler-rejects']];
        assert.deepEqual(view(report), view(bare));
        assert.deepEqual(view(bare), [
          ['async route rejected', 'error handler rejected'],
          { status: 'no response' },
          { status: 'no response' },
        ]);
      });
    } else {
      it("answers async rejections with Express's own 500, with no unhandled rejection", () => {
        const statuses = ['/reject', '/error-handler-rejects'].map(urlPath => report.results[urlPath].status);
        assert.deepEqual([statuses, report.unhandled], [[500, 500], []]);
      });
    }

    it('does not fire for errors the app answers itself, nor for errors with a 4xx status', () => {
      const quiet = ['/handled', '/handled-500', '/not-found-error'];
      assert.deepEqual(
        quiet.map(urlPath => [report.results[urlPath].status, report.exceptions.some(e => e.path === urlPath)]),
        [
          [422, false],
          [500, false],
          [404, false],
        ]
      );
    });

    it('sets http.route and the span name from the template, mount paths included', () => {
      const named = Object.keys(ROUTES).map(urlPath => {
        const [span] = serverSpansOf(report, urlPath);
        return [urlPath, span.name, span.route];
      });
      assert.deepEqual(
        named,
        Object.entries(ROUTES).map(([urlPath, route]) => [urlPath, `GET ${route}`, route])
      );
    });

    it('leaves http.route unset where no route matched (a middleware, a 404)', () => {
      const spans = ['/middleware-throw', '/missing'].map(urlPath => serverSpansOf(report, urlPath)[0]);
      assert.deepEqual(
        spans.map(span => [span.name, span.route]),
        [
          ['GET', undefined],
          ['GET', undefined],
        ]
      );
    });

    it('patches once when registered twice: the same routes, each error fired once', () => {
      const view = (run: Report) => [exceptionsSeen(run), run.spans.map(span => [span.path, span.name])];
      assert.deepEqual(view(registeredTwice), view(report));
    });

    describe('beside @opentelemetry/instrumentation-express', () => {
      it('exports exactly one SERVER span per request', () => {
        assert.deepEqual(
          expressApp.PATHS.map(urlPath => serverSpansOf(withExpressInstrumentation, urlPath).length),
          expressApp.PATHS.map(() => 1)
        );
      });

      it("puts instrumentation-express's spans in the SERVER span's trace", () => {
        const traces = new Set(withExpressInstrumentation.spans.filter(s => s.kind === 1).map(s => s.traceId));
        const internal = withExpressInstrumentation.spans.filter(span => span.kind === 0);
        assert.ok(internal.length > expressApp.PATHS.length, `${internal.length} INTERNAL spans`);
        assert.ok(internal.every(span => traces.has(span.traceId)));
      });

      it('still fires gotRequestException once per error', () => {
        assert.deepEqual(exceptionsSeen(withExpressInstrumentation), exceptionsSeen(report));
      });

      it('still names the SERVER span from the route template', () => {
        const [span] = serverSpansOf(withExpressInstrumentation, '/orgs/acme/repos/otel');
        assert.deepEqual([span.name, span.route], ['GET /orgs/:org/repos/:repo', '/orgs/:org/repos/:repo']);
      });

      it('with instrumentation-http too: exports exactly one SERVER span per request', () => {
        const run = withHttpAndExpressInstrumentations;
        assert.deepEqual(
          expressApp.PATHS.map(urlPath => serverSpansOf(run, urlPath).length),
          expressApp.PATHS.map(() => 1)
        );
      });

      it('with instrumentation-http too: fires once per error, with that SERVER span', () => {
        const run = withHttpAndExpressInstrumentations;
        const serverIds = new Set(run.spans.filter(span => span.kind === 1).map(span => span.spanId));
        assert.deepEqual(exceptionsSeen(run), exceptionsSeen(report));
        assert.ok(run.exceptions.every(exception => serverIds.has(exception.spanId)));
      });
    });
  });
}
