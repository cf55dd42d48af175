/*
 * Hono 4 on @hono/node-server: the errors Hono answers, and app.onError. The
 * same patches cover Hono's ESM build (hono-esm.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { gotRequestException } from '../src';
import { request } from './utils/client';
import { describeErrorsTheFrameworkAnswers, outcomeOf } from './utils/framework-errors';
import { App, Setup, behindMiddleware, failure, hono, rejectingRoute, throwingRoute, useHono } from './utils/hono';
import { record } from './utils/receivers';
import { waitForSpans } from './utils/tracing';

const FAILING_ROUTES: Array<[string, Setup]> = [
  ['throws', throwingRoute],
  ['rejects', rejectingRoute],
  ['rejects behind a middleware', behindMiddleware],
];

describe('Hono 4: errors Hono answers', () => {
  const serve = useHono();

  it('really runs the CommonJS build of hono 4', () => {
    const main = require.resolve('hono'); // hono/package.json is not exported
    const { version } = JSON.parse(fs.readFileSync(path.join(main, '../../../package.json'), 'utf8')) as {
      version: string;
    };
    assert.deepEqual([version.split('.')[0], main.endsWith(path.join('dist', 'cjs', 'index.js'))], ['4', true]);
  });

  describeErrorsTheFrameworkAnswers('Hono', FAILING_ROUTES, serve, failure);

  it('reports nothing for HTTPException(404), a client error, and leaves the span status unset', async () => {
    const heard = record(gotRequestException);
    const port = await serve(app =>
      app.get('/users/:id', () => {
        throw new hono.HTTPException(404, { message: 'no such user' });
      })
    );
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual(await outcomeOf(response, heard), {
      status: 404,
      body: response.body,
      heard: 0,
      events: 0,
      code: SpanStatusCode.UNSET,
      name: 'GET /users/:id',
    });
  });

  it('reports an HTTPException with a 5xx status, as thrown', async () => {
    const heard = record(gotRequestException);
    let thrown: unknown;
    const port = await serve(app =>
      app.get('/users/:id', () => {
        thrown = new hono.HTTPException(503, { message: 'down' });
        throw thrown;
      })
    );
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === thrown)], [503, [true]]);
  });
});

describe('Hono 4: app.onError', () => {
  const serve = useHono();

  it("reports an error app.onError answers with a 5xx; the answer is the app's", async () => {
    const heard = record(gotRequestException);
    const port = await serve(app => {
      app.onError((_error, c) => c.json({ oops: true }, 500));
      throwingRoute(app);
    });
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual(
      [response.status, response.body, heard.map(call => call.kwargs.exception === failure)],
      [500, '{"oops":true}', [true]]
    );
  });

  it('reports nothing for an error app.onError answers with a 4xx, and leaves the span status unset', async () => {
    const heard = record(gotRequestException);
    const port = await serve(app => {
      // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose: an onError whose answer is a promise
      app.onError(async (_error, c) => c.text('handled', 400));
      rejectingRoute(app);
    });
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual(await outcomeOf(response, heard), {
      status: 400,
      body: 'handled',
      heard: 0,
      events: 0,
      code: SpanStatusCode.UNSET,
      name: 'GET /users/:id',
    });
  });

  it('reports what an app.onError throws, once; @hono/node-server answers 500', async () => {
    const heard = record(gotRequestException);
    const rethrown = new Error('error handler failed');
    const port = await serve(app => {
      app.onError(() => {
        throw rethrown;
      });
      app.use('*', async (_c, next) => {
        await next();
      }); // composed: Hono gives the handler its own error too
      throwingRoute(app);
    });
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === rethrown)], [500, [true]]);
  });

  it("leaves errors of a sub-app without onError to the parent's onError", async () => {
    const heard = record(gotRequestException);
    const port = await serve(app => {
      const users = new hono.Hono();
      throwingRoute(users);
      app.onError((_error, c) => c.text('parent handled', 400));
      app.route('/api', users);
    });
    const response = await request(port, { path: '/api/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      [response.status, response.body, heard.length, span.name],
      [400, 'parent handled', 0, 'GET /api/users/:id']
    );
  });

  it("reports an error a sub-app's own onError answers with a 5xx", async () => {
    const heard = record(gotRequestException);
    const port = await serve(app => {
      const users = new hono.Hono();
      users.onError((_error, c) => c.text('sub handled', 503));
      throwingRoute(users);
      app.onError((_error, c) => c.text('parent handled', 400));
      app.route('/api', users);
    });
    const response = await request(port, { path: '/api/users/7' });
    assert.deepEqual(
      [response.status, response.body, heard.map(call => call.kwargs.exception === failure)],
      [503, 'sub handled', [true]]
    );
  });

  it('reports for an app made with basePath() whose onError is set afterwards', async () => {
    const heard = record(gotRequestException);
    const app = new hono.Hono().basePath('/v1');
    app.onError((_error, c) => c.text('v1 handled', 500));
    throwingRoute(app);
    const response = await request(await serve(app), { path: '/v1/users/7' });
    assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === failure)], [500, [true]]);
  });
});

describe('Hono 4: odd handlers and callers', () => {
  const serve = useHono();

  it("calls then() of a thenable an error handler returns only once, Hono's call", async () => {
    let thenCalls = 0;
    const port = await serve(app => {
      app.onError((_error, c) => {
        const answer = c.text('handled later', 503);
        const thenable = {
          then(resolve: (value: Response) => void) {
            thenCalls++;
            resolve(answer);
          },
        };
        return thenable as unknown as Response;
      });
      behindMiddleware(app); // composed: Hono awaits the answer (@hono/node-server would want a catch() too)
    });
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual([response.status, response.body, thenCalls], [503, 'handled later', 1]);
  });

  it('answers app.request() (no server) with an env whose getters throw, as Hono does', async () => {
    const app = new hono.Hono();
    throwingRoute(app);
    const hostile = Object.defineProperties(
      {},
      {
        incoming: {
          get: () => {
            throw new Error('incoming getter');
          },
        },
        outgoing: {
          get: () => {
            throw new Error('outgoing getter');
          },
        },
      }
    );
    const response = await app.request('/users/7', {}, hostile);
    assert.deepEqual([response.status, await response.text()], [500, 'Internal Server Error']);
  });

  it('keeps onError identity checks working across apps that share a handler', async () => {
    const heard = record(gotRequestException);
    const port = await serve(app => {
      const users = new hono.Hono();
      users.onError((app as unknown as { errorHandler: Parameters<App['onError']>[0] }).errorHandler); // Hono's default, as read outside route()
      throwingRoute(users);
      app.onError((_error, c) => c.text('parent handled', 502));
      app.route('/api', users);
    });
    const response = await request(port, { path: '/api/users/7' });
    // As without the instrumentation: the sub-app has Hono's default handler, so the parent's answers.
    assert.deepEqual(
      [response.status, response.body, heard.map(call => call.kwargs.exception === failure)],
      [502, 'parent handled', [true]]
    );
  });
});
