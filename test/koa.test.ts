import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import Router from '@koa/router';
import * as sinon from 'sinon';
import { gotRequestException } from '../src';
import { request } from './utils/client';
import { useInstrumentation } from './utils/instrumentation';
import { describeErrorsTheFrameworkAnswers, exceptionEvents } from './utils/framework-errors';
import { describeRouteOnTheSpan } from './utils/framework-routes';
import { record } from './utils/receivers';
import { RunningServer, startHttpServer } from './utils/server';
import { waitForSpans } from './utils/tracing';

import type KoaApp from 'koa';

type KoaClass = typeof KoaApp;

const REPO = path.resolve(__dirname, '..', '..');

/*
 * The adapter's require hooks are keyed by the name 'koa', as apps install it;
 * koa@2 is installed here as 'koa2', which no hook keyed by 'koa' would see.
 * So the test loads a copy of koa@2 named koa, inside the repository so that
 * koa@2's hoisted dependencies still resolve.
 */
function koa2UnderItsRealName(): string {
  const copy = path.join(REPO, 'build', 'koa2-as-koa', 'node_modules', 'koa');
  fs.rmSync(copy, { recursive: true, force: true });
  fs.cpSync(path.join(REPO, 'node_modules', 'koa2'), copy, { recursive: true });
  return copy;
}

const MAJORS = [
  { label: 'Koa 3', major: 3, packageDir: () => path.dirname(require.resolve('koa/package.json')) },
  { label: 'Koa 2', major: 2, packageDir: koa2UnderItsRealName },
];

type Setup = (app: KoaApp, router: Router) => void;

const failure = new Error('route failure');
const throwingRoute: Setup = (_app, router) =>
  router.get('/users/:id', () => {
    throw failure;
  });
const rejectingRoute: Setup = (_app, router) =>
  // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose: a route that rejects (throwingRoute throws)
  router.get('/users/:id', async () => {
    throw failure;
  });
const FAILING_ROUTES: Array<[string, Setup]> = [
  ['throws', throwingRoute],
  ['rejects', rejectingRoute],
];

for (const { label, major, packageDir } of MAJORS) {
  describe(`${label}: errors and routes`, () => {
    useInstrumentation();
    let dir: string;
    let Koa: KoaClass;
    // Only once the instrumentation is enabled: a require hook never sees a module loaded before.
    before(() => {
      dir = packageDir();
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once the instrumentation is enabled, from a directory chosen at run time
      Koa = require(dir) as KoaClass;
    });
    const running: RunningServer[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map(server => server.close()));
    });

    /** Middleware first, then the router's routes; Koa's own error log stays quiet unless `logs`. */
    async function serve(setup: Setup, logs = false): Promise<number> {
      const app = new Koa();
      app.silent = !logs;
      const router = new Router();
      setup(app, router);
      app.use(router.routes());
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- Koa's listener returns a promise that never rejects (errors go to ctx.onerror)
      const server = await startHttpServer(app.callback());
      running.push(server);
      return server.port;
    }

    it(`really runs koa@${major}`, () => {
      const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
      assert.equal(version.split('.')[0], String(major));
    });

    describeErrorsTheFrameworkAnswers('Koa', FAILING_ROUTES, serve, failure);

    it("leaves Koa's own error log on", async () => {
      const consoleError = sinon.stub(console, 'error');
      try {
        await request(await serve(throwingRoute, true), { path: '/users/7' });
      } finally {
        consoleError.restore();
      }
      assert.ok(consoleError.calledWithMatch(/route failure/), 'Koa did not log the error');
    });

    it('reports nothing for an error a try/catch middleware answers', async () => {
      const heard = record(gotRequestException);
      const port = await serve((app, router) => {
        app.use(async (ctx, next) => {
          try {
            await next();
          } catch {
            ctx.status = 500;
            ctx.body = 'handled';
          }
        });
        throwingRoute(app, router);
      });
      const response = await request(port, { path: '/users/7' });
      const [span] = await waitForSpans(1);
      assert.deepEqual(
        { body: response.body, heard: heard.length, events: exceptionEvents(span) },
        { body: 'handled', heard: 0, events: 0 }
      );
    });

    it('reports an error a try/catch middleware rethrows', async () => {
      const heard = record(gotRequestException);
      const port = await serve((app, router) => {
        app.use(async (ctx, next) => {
          try {
            await next();
          } catch (error) {
            ctx.set('X-Seen', 'yes');
            throw error;
          }
        });
        rejectingRoute(app, router);
      });
      const response = await request(port, { path: '/users/7' });
      assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === failure)], [500, [true]]);
    });

    it('reports nothing for ctx.throw(404), a client error', async () => {
      const heard = record(gotRequestException);
      const port = await serve((_app, router) => router.get('/users/:id', ctx => ctx.throw(404, 'no such user')));
      const response = await request(port, { path: '/users/7' });
      assert.deepEqual([response.status, response.body, heard.length], [404, 'no such user', 0]);
    });

    it('reports an error thrown with a 5xx status', async () => {
      const heard = record(gotRequestException);
      const port = await serve((_app, router) => router.get('/users/:id', ctx => ctx.throw(503, 'down')));
      const response = await request(port, { path: '/users/7' });
      assert.deepEqual([response.status, heard.map(call => (call.kwargs.exception as Error).message)], [503, ['down']]);
    });

    /* The routes of @koa/router. */
    describeRouteOnTheSpan<Setup>({
      serve,
      template: '/users/:id',
      okRoute: (_app, router) => router.get('/users/:id', ctx => (ctx.body = 'ok')),
      failingRoute: throwingRoute,
    });

    it("sets a prefixed router's full template", async () => {
      const port = await serve(app => {
        const api = new Router({ prefix: '/api' });
        api.get('/users/:id', ctx => (ctx.body = 'ok'));
        app.use(api.routes());
      });
      await request(port, { path: '/api/users/7' });
      const [span] = await waitForSpans(1);
      assert.equal(span.attributes['http.route'], '/api/users/:id');
    });
  });
}
