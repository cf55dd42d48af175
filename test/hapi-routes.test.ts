import * as assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { RequestSignalsInstrumentation, gotRequestException, requestFinished } from '../src';
import { abortAfterSending, request, requestUntilClosed } from './utils/client';
import { Setup, failingStream, failure, throwingRoute, useHapi } from './utils/hapi';
import { instrumentation } from './utils/instrumentation';
import { record } from './utils/receivers';
import { waitForSpans } from './utils/tracing';

describe('Hapi 21: routes', () => {
  const serve = useHapi();
  const okRoute: Setup = server => server.route({ method: 'GET', path: '/users/{id}', handler: () => 'ok' });

  it('sets http.route from the route path and names the span {method} {route}', async () => {
    await request(await serve(okRoute), { path: '/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual([span.name, span.attributes['http.route']], ['GET /users/{id}', '/users/{id}']);
  });

  it('sets the route on the span of a failing request too', async () => {
    await request(await serve(throwingRoute), { path: '/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual([span.name, span.attributes['http.route']], ['GET /users/{id}', '/users/{id}']);
  });

  it("sets the full path of a route in a plugin registered with a prefix", async () => {
    const port = await serve(server =>
      server.register({ name: 'users', register: okRoute }, { routes: { prefix: '/api' } })
    );
    await request(port, { path: '/api/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual([span.name, span.attributes['http.route']], ['GET /api/users/{id}', '/api/users/{id}']);
  });

  it('sets no route when no route matched', async () => {
    const port = await serve(okRoute);
    const response = await request(port, { path: '/nope' });
    await request(port, { path: '/users/7' });
    const [missed, matched] = await waitForSpans(2);
    assert.deepEqual(
      [response.status, missed.name, missed.attributes['http.route'], matched.name],
      [404, 'GET', undefined, 'GET /users/{id}']
    );
  });
});

describe('Hapi 21: requestFinished', () => {
  const serve = useHapi();

  it('fires once per request, failing or not', async () => {
    const finished = record(requestFinished);
    const port = await serve(server => {
      throwingRoute(server);
      server.route({ method: 'GET', path: '/ok', handler: () => 'ok' });
    });
    await request(port, { path: '/users/7' });
    await request(port, { path: '/ok' });
    const spans = await waitForSpans(2);
    assert.deepEqual(
      finished.map(call => [call.kwargs.request.url, call.kwargs.aborted]),
      [['/users/7', false], ['/ok', false]]
    );
    assert.deepEqual(spans.map(span => span.name), ['GET /users/{id}', 'GET /ok']);
  });

  it('reports nothing for an error after the client went away; requestFinished fires once, aborted', async () => {
    const heard = record(gotRequestException);
    const finished = record(requestFinished);
    let serverGotIt!: () => void;
    const received = new Promise<void>(resolve => (serverGotIt = resolve));
    let hapiDone!: Promise<unknown>;
    const port = await serve(server => {
      hapiDone = new Promise(resolve => server.events.once('response', resolve));
      server.route({
        method: 'GET',
        path: '/users/{id}',
        handler: async request => {
          const closed = new Promise(resolve => request.raw.res.once('close', resolve));
          serverGotIt();
          await closed;
          throw failure;
        },
      });
    });
    await abortAfterSending(port, '/users/7', received);
    await hapiDone;
    await waitForSpans(1);
    assert.deepEqual([heard.length, finished.map(call => call.kwargs.aborted)], [0, [true]]);
  });

  /*
   * The status went out with the headers, so Hapi cannot answer the error: it
   * cuts the connection. As for Koa (and Django, whose handler never sees a
   * streaming body fail), that is not a gotRequestException.
   */
  it('reports a stream that fails midway as aborted, and fires no gotRequestException', async () => {
    const heard = record(gotRequestException);
    const finished = record(requestFinished);
    const port = await serve(server =>
      server.route({ method: 'GET', path: '/export', handler: () => failingStream() })
    );
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
});

describe('Hapi 21: two instances', () => {
  const serve = useHapi();

  it('keeps reporting for an enabled instance when the other one is disabled', async () => {
    const second = new RequestSignalsInstrumentation();
    instrumentation.disable();
    try {
      const heard = record(gotRequestException);
      await request(await serve(throwingRoute), { path: '/users/7' });
      const [span] = await waitForSpans(1);
      assert.deepEqual([heard.length, span.name], [1, 'GET /users/{id}']);
    } finally {
      instrumentation.enable();
      second.disable();
    }
  });
});
