import * as assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { gotRequestException, requestFinished } from '../src';
import { request, requestUntilClosed } from './utils/client';
import { describeRoutesAndRequestFinished } from './utils/framework-routes';
import { App, Setup, behindMiddleware, failingBody, failure, hono, throwingRoute, useHono } from './utils/hono';
import { record } from './utils/receivers';
import { waitForSpans } from './utils/tracing';

describe('Hono 4: routes and requestFinished', () => {
  const serve = useHono();
  const okRoute: Setup = app => app.get('/users/:id', c => c.text('ok'));

  describeRoutesAndRequestFinished<Setup>({
    serve,
    template: '/users/:id',
    okRoute,
    failingRoute: behindMiddleware,
    failingRouteAndOk: app => {
      throwingRoute(app);
      app.get('/ok', c => c.text('ok'));
    },
    failingBody: app => app.get('/export', c => c.body(failingBody())),
    failingAfterTheClientLeft: (received, handled) => app => {
      app.use('*', async (_c, next) => {
        await next();
        handled();
      });
      app.get('/users/:id', async c => {
        const { outgoing } = c.env as { outgoing: ServerResponse };
        const closed = new Promise(resolve => outgoing.once('close', resolve));
        received();
        await closed;
        throw failure;
      });
    },
  });

  async function spanFor(setup: Setup | App, path: string) {
    await request(await serve(setup), { path });
    const [span] = await waitForSpans(1);
    return [span.name, span.attributes['http.route']];
  }

  it('sets the route of the handler that answered, behind middleware', async () => {
    const setup: Setup = app => {
      app.use('*', async (_c, next) => {
        await next();
      });
      app.get('/users/me', c => c.text('me'));
      okRoute(app);
    };
    assert.deepEqual(await spanFor(setup, '/users/me'), ['GET /users/me', '/users/me']);
  });

  it('sets the full template of a sub-app mounted with app.route()', async () => {
    const setup: Setup = app => {
      const users = new hono.Hono();
      okRoute(users);
      app.route('/api', users);
    };
    assert.deepEqual(await spanFor(setup, '/api/users/7'), ['GET /api/users/:id', '/api/users/:id']);
  });

  it('sets the full template of an app with a basePath()', async () => {
    const app = new hono.Hono().basePath('/v1');
    okRoute(app);
    assert.deepEqual(await spanFor(app, '/v1/users/7'), ['GET /v1/users/:id', '/v1/users/:id']);
  });

  /* hono/streaming catches what its callback throws (onError, else console.error) and ends the body. */
  it("leaves an error inside stream() to Hono's helper: the response ends, nothing fires", async () => {
    const heard = record(gotRequestException);
    const finished = record(requestFinished);
    const port = await serve(app =>
      app.get('/export', c =>
        hono.stream(
          c,
          async body => {
            await body.write('first rows\n');
            throw new Error('the export query failed');
          },
          () => Promise.resolve()
        )
      )
    );
    const response = await requestUntilClosed(port, '/export');
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      [
        response.status,
        response.body,
        response.complete,
        heard.length,
        finished.map(call => call.kwargs.aborted),
        span.name,
      ],
      [200, 'first rows\n', true, 0, [false], 'GET /export']
    );
  });
});
