/*
 * Hono 4 on @hono/node-server, in-process with Hono's CommonJS build; the
 * same patches cover its ESM build, tested under the loader hook in
 * hono-esm.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanStatusCode } from '@opentelemetry/api';
import * as sinon from 'sinon';
import { RequestSignalsInstrumentation, gotRequestException, requestFinished } from '../src';
import { request, requestUntilClosed } from './utils/client';
import { describeErrorsTheFrameworkAnswers, exceptionEvents } from './utils/framework-errors';
import { instrumentation, useInstrumentation } from './utils/instrumentation';
import { record } from './utils/receivers';
import { waitForSpans } from './utils/tracing';

import type * as HonoModule from 'hono';
import type * as HttpExceptionModule from 'hono/http-exception';
import type * as StreamingModule from 'hono/streaming';
import type * as NodeServerModule from '@hono/node-server';

type App = HonoModule.Hono;
type Setup = (app: App) => void;

const failure = new Error('route failure');
const throwingRoute: Setup = app => app.get('/users/:id', () => { throw failure; });
const rejectingRoute: Setup = app => app.get('/users/:id', async () => { throw failure; });
/* With a middleware, Hono composes the handlers instead of calling the only one directly. */
const behindMiddleware: Setup = app => {
  app.use('*', async (_c, next) => { await next(); });
  rejectingRoute(app);
};
const FAILING_ROUTES: Array<[string, Setup]> = [
  ['throws', throwingRoute],
  ['rejects', rejectingRoute],
  ['rejects behind a middleware', behindMiddleware],
];

/* The adapter hooks require(): Hono is loaded once the instrumentation is enabled. */
let Hono: typeof HonoModule.Hono;
let HTTPException: typeof HttpExceptionModule.HTTPException;
let stream: typeof StreamingModule.stream;

/** Mocha hooks: the instrumentation, and `serve`, which serves an app built by `setup` for one test. */
function useHono(): (setup: Setup | App) => Promise<number> {
  useInstrumentation();
  let nodeServer: typeof NodeServerModule;
  before(() => {
    ({ Hono } = require('hono') as typeof HonoModule);
    ({ HTTPException } = require('hono/http-exception') as typeof HttpExceptionModule);
    ({ stream } = require('hono/streaming') as typeof StreamingModule);
    nodeServer = require('@hono/node-server') as typeof NodeServerModule;
  });
  // Hono's default error handler, and @hono/node-server, print what they answer to the console.
  let consoleError: sinon.SinonStub | undefined;
  beforeEach(() => (consoleError = sinon.stub(console, 'error')));
  afterEach(() => consoleError?.restore());
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  });
  return setup => {
    const app = typeof setup === 'function' ? new Hono() : setup;
    if (typeof setup === 'function') setup(app);
    return new Promise(resolve => {
      const server = nodeServer.serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve((server.address() as AddressInfo).port)
      ) as Server;
      servers.push(server);
    });
  };
}

describe('Hono 4: errors Hono answers', () => {
  const serve = useHono();

  it('really runs the CommonJS build of hono 4', () => {
    const main = require.resolve('hono'); // hono/package.json is not exported
    const { version } = JSON.parse(fs.readFileSync(path.join(main, '../../../package.json'), 'utf8')) as { version: string };
    assert.deepEqual([version.split('.')[0], main.endsWith(path.join('dist', 'cjs', 'index.js'))], ['4', true]);
  });

  describeErrorsTheFrameworkAnswers('Hono', FAILING_ROUTES, serve, failure);

  it('reports nothing for HTTPException(404), a client error, and leaves the span status unset', async () => {
    const heard = record(gotRequestException);
    const port = await serve(app => app.get('/users/:id', () => { throw new HTTPException(404, { message: 'no such user' }); }));
    const response = await request(port, { path: '/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      { status: response.status, heard: heard.length, events: exceptionEvents(span), code: span.status.code, name: span.name },
      { status: 404, heard: 0, events: 0, code: SpanStatusCode.UNSET, name: 'GET /users/:id' }
    );
  });

  it('reports an HTTPException with a 5xx status, as thrown', async () => {
    const heard = record(gotRequestException);
    let thrown: unknown;
    const port = await serve(app =>
      app.get('/users/:id', () => {
        thrown = new HTTPException(503, { message: 'down' });
        throw thrown;
      })
    );
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === thrown)], [503, [true]]);
  });
});

describe('Hono 4: app.onError', () => {
  const serve = useHono();

  it('reports an error app.onError answers with a 5xx; the answer is the app\'s', async () => {
    const heard = record(gotRequestException);
    const port = await serve(app => {
      app.onError((_error, c) => c.json({ oops: true }, 500));
      throwingRoute(app);
    });
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual([response.status, response.body, heard.map(call => call.kwargs.exception === failure)], [500, '{"oops":true}', [true]]);
  });

  it('reports nothing for an error app.onError answers with a 4xx, and leaves the span status unset', async () => {
    const heard = record(gotRequestException);
    const port = await serve(app => {
      app.onError(async (_error, c) => c.text('handled', 400));
      rejectingRoute(app);
    });
    const response = await request(port, { path: '/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      { status: response.status, heard: heard.length, events: exceptionEvents(span), code: span.status.code, name: span.name },
      { status: 400, heard: 0, events: 0, code: SpanStatusCode.UNSET, name: 'GET /users/:id' }
    );
  });

  it('reports what an app.onError throws, once; @hono/node-server answers 500', async () => {
    const heard = record(gotRequestException);
    const rethrown = new Error('error handler failed');
    const port = await serve(app => {
      app.onError(() => { throw rethrown; });
      app.use('*', async (_c, next) => { await next(); }); // composed: Hono gives the handler its own error too
      throwingRoute(app);
    });
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === rethrown)], [500, [true]]);
  });

  it("leaves errors of a sub-app without onError to the parent's onError", async () => {
    const heard = record(gotRequestException);
    const port = await serve(app => {
      const users = new Hono();
      throwingRoute(users);
      app.onError((_error, c) => c.text('parent handled', 400));
      app.route('/api', users);
    });
    const response = await request(port, { path: '/api/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual([response.status, response.body, heard.length, span.name], [400, 'parent handled', 0, 'GET /api/users/:id']);
  });

  it("reports an error a sub-app's own onError answers with a 5xx", async () => {
    const heard = record(gotRequestException);
    const port = await serve(app => {
      const users = new Hono();
      users.onError((_error, c) => c.text('sub handled', 503));
      throwingRoute(users);
      app.onError((_error, c) => c.text('parent handled', 400));
      app.route('/api', users);
    });
    const response = await request(port, { path: '/api/users/7' });
    assert.deepEqual([response.status, response.body, heard.map(call => call.kwargs.exception === failure)], [503, 'sub handled', [true]]);
  });

  it('reports for an app made with basePath() whose onError is set afterwards', async () => {
    const heard = record(gotRequestException);
    const app = new Hono().basePath('/v1');
    app.onError((_error, c) => c.text('v1 handled', 500));
    throwingRoute(app);
    const response = await request(await serve(app), { path: '/v1/users/7' });
    assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === failure)], [500, [true]]);
  });
});

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
      const users = new Hono();
      okRoute(users);
      app.route('/api', users);
    };
    assert.deepEqual(await spanFor(setup, '/api/users/7'), ['GET /api/users/:id', '/api/users/:id']);
  });

  it('sets the full template of an app with a basePath()', async () => {
    const app = new Hono().basePath('/v1');
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
        stream(
          c,
          async body => {
            await body.write('first rows\n');
            throw new Error('the export query failed');
          },
          async () => undefined
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

/** A web body stream that sends one chunk, then fails. */
function failingBody(): ReadableStream<Uint8Array> {
  let pulls = 0;
  return new ReadableStream({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('first rows\n'));
      else setImmediate(() => controller.error(new Error('the export query failed')));
    },
  });
}

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
