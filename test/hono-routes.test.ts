import * as assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { SpanStatusCode } from '@opentelemetry/api';
import { RequestSignalsInstrumentation, gotRequestException, requestFinished } from '../src';
import { abortAfterSending, request, requestUntilClosed } from './utils/client';
import { App, Setup, behindMiddleware, failingBody, failure, hono, throwingRoute, useHono } from './utils/hono';
import { instrumentation } from './utils/instrumentation';
import { record } from './utils/receivers';
import { waitForSpans } from './utils/tracing';

describe('Hono 4: routes', () => {
  const serve = useHono();
  const okRoute: Setup = app => app.get('/users/:id', c => c.text('ok'));

  async function spanFor(setup: Setup | App, path: string) {
    await request(await serve(setup), { path });
    const [span] = await waitForSpans(1);
    return [span.name, span.attributes['http.route']];
  }

  it('sets http.route from the matched route and names the span {method} {route}', async () => {
    assert.deepEqual(await spanFor(okRoute, '/users/7'), ['GET /users/:id', '/users/:id']);
  });

  it('sets the route of the handler that answered, behind middleware', async () => {
    const setup: Setup = app => {
      app.use('*', async (_c, next) => { await next(); });
      app.get('/users/me', c => c.text('me'));
      okRoute(app);
    };
    assert.deepEqual(await spanFor(setup, '/users/me'), ['GET /users/me', '/users/me']);
  });

  it('sets the route on the span of a failing request too', async () => {
    assert.deepEqual(await spanFor(behindMiddleware, '/users/7'), ['GET /users/:id', '/users/:id']);
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

  it('sets no route when no route matched', async () => {
    const port = await serve(okRoute);
    const response = await request(port, { path: '/nope' });
    await request(port, { path: '/users/7' });
    const [missed, matched] = await waitForSpans(2);
    assert.deepEqual(
      [response.status, missed.name, missed.attributes['http.route'], matched.name],
      [404, 'GET', undefined, 'GET /users/:id']
    );
  });
});

describe('Hono 4: requestFinished and streams', () => {
  const serve = useHono();

  it('fires requestFinished once per request, failing or not', async () => {
    const finished = record(requestFinished);
    const port = await serve(app => {
      throwingRoute(app);
      app.get('/ok', c => c.text('ok'));
    });
    await request(port, { path: '/users/7' });
    await request(port, { path: '/ok' });
    const spans = await waitForSpans(2);
    assert.deepEqual(
      finished.map(call => [call.kwargs.request.url, call.kwargs.aborted]),
      [['/users/7', false], ['/ok', false]]
    );
    assert.deepEqual(spans.map(span => span.name), ['GET /users/:id', 'GET /ok']);
  });

  /* Koa's rule too: once the client went away there is no answer to give, and requestFinished has fired. */
  it('reports nothing for an error after the client went away; requestFinished fires once, aborted', async () => {
    const heard = record(gotRequestException);
    const finished = record(requestFinished);
    let errorAnswered!: () => void;
    const handled = new Promise<void>(resolve => (errorAnswered = resolve));
    let serverGotIt!: () => void;
    const received = new Promise<void>(resolve => (serverGotIt = resolve));
    const port = await serve(app => {
      app.use('*', async (_c, next) => {
        await next();
        errorAnswered();
      });
      app.get('/users/:id', async c => {
        const { outgoing } = c.env as { outgoing: ServerResponse };
        const closed = new Promise(resolve => outgoing.once('close', resolve));
        serverGotIt();
        await closed;
        throw failure;
      });
    });
    await abortAfterSending(port, '/users/7', received);
    await handled;
    await waitForSpans(1);
    assert.deepEqual([heard.length, finished.map(call => call.kwargs.aborted)], [0, [true]]);
  });

  /*
   * The 200 went out with the headers, so nobody can answer the error:
   * @hono/node-server cuts the connection. As for Koa and Hapi, that is not a
   * gotRequestException; the request is aborted.
   */
  it('reports a body stream that fails midway as aborted, and fires no gotRequestException', async () => {
    const heard = record(gotRequestException);
    const finished = record(requestFinished);
    const port = await serve(app => app.get('/export', c => c.body(failingBody())));
    const response = await requestUntilClosed(port, '/export');
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      {
        response: [response.status, response.body, response.complete],
        heard: heard.length,
        finished: finished.map(call => call.kwargs.aborted),
        span: [span.name, span.attributes['error.type'], span.status.code],
      },
      {
        response: [200, 'first rows\n', false],
        heard: 0,
        finished: [true],
        span: ['GET /export', 'aborted', SpanStatusCode.ERROR],
      }
    );
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
      [response.status, response.body, response.complete, heard.length, finished.map(call => call.kwargs.aborted), span.name],
      [200, 'first rows\n', true, 0, [false], 'GET /export']
    );
  });
});

describe('Hono 4: two instances', () => {
  const serve = useHono();

  it('keeps reporting for an enabled instance when the other one is disabled', async () => {
    const second = new RequestSignalsInstrumentation();
    instrumentation.disable();
    try {
      const heard = record(gotRequestException);
      await request(await serve(behindMiddleware), { path: '/users/7' });
      const [span] = await waitForSpans(1);
      assert.deepEqual([heard.length, span.name], [1, 'GET /users/:id']);
    } finally {
      instrumentation.enable();
      second.disable();
    }
  });
});
