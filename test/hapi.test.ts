import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { RequestSignalsInstrumentation, gotRequestException, requestFinished } from '../src';
import { request, requestUntilClosed } from './utils/client';
import { describeErrorsTheFrameworkAnswers, exceptionEvents } from './utils/framework-errors';
import { instrumentation, useInstrumentation } from './utils/instrumentation';
import { record } from './utils/receivers';
import { FIXTURES } from './utils/server';
import { waitForSpans } from './utils/tracing';

import type * as HapiModule from '@hapi/hapi';
import type * as BoomModule from '@hapi/boom';

type Server = HapiModule.Server;
type Setup = (server: Server) => void | Promise<void>;

const failure = new Error('route failure');
const throwingRoute: Setup = server =>
  server.route({ method: 'GET', path: '/users/{id}', handler: () => { throw failure; } });
const rejectingRoute: Setup = server =>
  server.route({ method: 'GET', path: '/users/{id}', handler: async () => { throw failure; } });
const FAILING_ROUTES: Array<[string, Setup]> = [
  ['throws', throwingRoute],
  ['rejects', rejectingRoute],
];

/* The adapter hooks require(): Hapi and Boom are loaded once the instrumentation is enabled. */
let Hapi: typeof HapiModule;
let Boom: typeof BoomModule;

/** Mocha hooks: the instrumentation, and `serve`, which starts a Hapi server on 127.0.0.1 for one test. */
function useHapi(): (setup: Setup) => Promise<number> {
  useInstrumentation();
  before(() => {
    Hapi = require('@hapi/hapi') as typeof HapiModule;
    Boom = require('@hapi/boom') as typeof BoomModule;
  });
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.stop()));
  });
  return async setup => {
    // debug: false, or Hapi prints every 500 to the console.
    const server = Hapi.server({ port: 0, host: '127.0.0.1', debug: false });
    servers.push(server);
    await setup(server);
    await server.start();
    return server.info.port as number;
  };
}

describe('Hapi 21: errors Hapi answers', () => {
  const serve = useHapi();

  it('really runs @hapi/hapi 21', () => {
    const { version } = require('@hapi/hapi/package.json') as { version: string };
    assert.equal(version.split('.')[0], '21');
  });

  describeErrorsTheFrameworkAnswers('Hapi', FAILING_ROUTES, serve, failure);

  it('gives receivers the TypeError the handler threw, not the copy Hapi answers with', async () => {
    const heard = record(gotRequestException);
    let thrown: unknown;
    const port = await serve(server =>
      server.route({
        method: 'GET',
        path: '/users/{id}',
        handler: request => {
          try {
            return (request.app as { user: { name: string } }).user.name;
          } catch (error) {
            thrown = error;
            throw error;
          }
        },
      })
    );
    const response = await request(port, { path: '/users/7' });
    assert.ok(thrown instanceof TypeError);
    assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === thrown)], [500, [true]]);
  });

  it('reports an error thrown with a 5xx status, as thrown (Boom.serverUnavailable)', async () => {
    const heard = record(gotRequestException);
    let boom: unknown;
    const port = await serve(server =>
      server.route({
        method: 'GET',
        path: '/users/{id}',
        handler: () => {
          boom = Boom.serverUnavailable('down');
          throw boom;
        },
      })
    );
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === boom)], [503, [true]]);
  });

  it('reports nothing for Boom.notFound, a client error, and leaves the span status unset', async () => {
    const heard = record(gotRequestException);
    const port = await serve(server =>
      server.route({ method: 'GET', path: '/users/{id}', handler: () => { throw Boom.notFound('no such user'); } })
    );
    const response = await request(port, { path: '/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      { status: response.status, heard: heard.length, events: exceptionEvents(span), code: span.status.code, name: span.name },
      { status: 404, heard: 0, events: 0, code: SpanStatusCode.UNSET, name: 'GET /users/{id}' }
    );
  });

  it('reports nothing for a failed validation (400)', async () => {
    const heard = record(gotRequestException);
    const port = await serve(server =>
      server.route({
        method: 'GET',
        path: '/users/{id}',
        options: { validate: { params: (value: unknown) => { throw new Error(`bad id in ${JSON.stringify(value)}`); } } },
        handler: () => 'unreachable',
      })
    );
    const response = await request(port, { path: '/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual([response.status, heard.length, span.name], [400, 0, 'GET /users/{id}']);
  });
});

describe('Hapi 21: errors the app answers (onPreResponse)', () => {
  const serve = useHapi();

  /** An onPreResponse extension that answers every error itself, with `status`. */
  function answeringErrors(status: number): Setup {
    return server => {
      server.ext('onPreResponse', (request, h) => {
        const response = request.response as { isBoom?: boolean };
        return response.isBoom ? h.response({ handled: true }).code(status) : h.continue;
      });
      throwingRoute(server);
    };
  }

  it('reports nothing when onPreResponse replaces the error with its own 200', async () => {
    const heard = record(gotRequestException);
    const response = await request(await serve(answeringErrors(200)), { path: '/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      { status: response.status, body: response.body, heard: heard.length, events: exceptionEvents(span), name: span.name },
      { status: 200, body: '{"handled":true}', heard: 0, events: 0, name: 'GET /users/{id}' }
    );
  });

  it('reports nothing when onPreResponse answers with its own 500; the span status follows the 500', async () => {
    const heard = record(gotRequestException);
    const response = await request(await serve(answeringErrors(500)), { path: '/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      { status: response.status, heard: heard.length, events: exceptionEvents(span), code: span.status.code, name: span.name },
      { status: 500, heard: 0, events: 0, code: SpanStatusCode.ERROR, name: 'GET /users/{id}' }
    );
  });

  it('reports the error when onPreResponse lets Hapi answer it', async () => {
    const heard = record(gotRequestException);
    const port = await serve(server => {
      server.ext('onPreResponse', (request, h) => {
        (request.response as { output?: { headers: Record<string, string> } }).output!.headers['x-seen'] = 'yes';
        return h.continue;
      });
      throwingRoute(server);
    });
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual(
      [response.status, response.headers['x-seen'], heard.map(call => call.kwargs.exception === failure)],
      [500, 'yes', [true]]
    );
  });
});

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

/** A body stream that sends one chunk, then fails. */
function failingStream(): Readable {
  let reads = 0;
  return new Readable({
    read() {
      if (reads++ === 0) this.push('first rows\n');
      else setImmediate(() => this.destroy(new Error('the export query failed')));
    },
  });
}

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

interface CoexistenceReport {
  statuses: number[];
  heard: Array<{ url: string; spanId: string; active: boolean; original: boolean }>;
  spans: Array<{ name: string; kind: number; scope: string; spanId: string; parentSpanId?: string; path?: string; exceptionEvents: number }>;
}

/* A child process (test/fixtures/hapi/coexistence.js): instrumentation-hapi patches @hapi/hapi for good. */
function runBesideInstrumentationHapi(flags: string[]): CoexistenceReport {
  const output = execFileSync(process.execPath, [path.join(FIXTURES, 'hapi', 'coexistence.js'), ...flags], {
    cwd: FIXTURES,
    encoding: 'utf8',
    timeout: 15000,
  });
  return JSON.parse(output) as CoexistenceReport;
}

for (const [order, flags] of [['ours first', []], ['instrumentation-hapi first', ['--theirs-first']]] as const) {
  describe(`Hapi 21 beside @opentelemetry/instrumentation-hapi (${order})`, function () {
    this.timeout(20000);
    let report: CoexistenceReport;
    before(() => (report = runBesideInstrumentationHapi([...flags])));
    const server = () => report.spans.filter(span => span.kind === SpanKind.SERVER);

    it('answers as the app does and exports exactly one SERVER span per request, ours', () => {
      assert.deepEqual(report.statuses, [200, 500, 200]);
      assert.deepEqual(
        server().map(span => [span.path, span.name, span.scope]),
        [
          ['/ok', 'GET /ok', 'otel-request-signals'],
          ['/users/7', 'GET /users/{id}', 'otel-request-signals'],
          ['/api/items/3', 'GET /api/items/{id}', 'otel-request-signals'],
        ]
      );
    });

    it("nests instrumentation-hapi's route spans under ours", () => {
      const theirs = report.spans.filter(span => span.scope === '@opentelemetry/instrumentation-hapi');
      const ourIds = new Set(server().map(span => span.spanId));
      assert.equal(theirs.length, 3, 'instrumentation-hapi did not run');
      for (const span of theirs) assert.ok(ourIds.has(span.parentSpanId!), `${span.name} is not under a SERVER span of ours`);
    });

    it('fires gotRequestException once, with the original error and our SERVER span active', () => {
      const failed = server().find(span => span.path === '/users/7')!;
      assert.deepEqual(report.heard, [{ url: '/users/7', spanId: failed.spanId, active: true, original: true }]);
      assert.equal(failed.exceptionEvents, 1);
    });
  });
}
