import * as assert from 'node:assert/strict';
import * as http2 from 'http2';
import type { AddressInfo } from 'net';
import Router from '@koa/router';
import { SpanStatusCode } from '@opentelemetry/api';
import Fastify, { FastifyInstance } from 'fastify';
import Fastify4 from 'fastify4';
import { gotRequestException, requestFinished, requestStarted } from '../src';
import { request } from './utils/client';
import { exceptionEvents, sameAnswer } from './utils/framework-errors';
import { collectingUncaught, h2fetch, h2request, sameH2Answer, useHttp2 } from './utils/http2';
import { instrumentation, useInstrumentation } from './utils/instrumentation';
import { record, waitForCount } from './utils/receivers';
import { TLS_OPTIONS } from './utils/server';
import { waitForSpans } from './utils/tracing';

import type KoaApp from 'koa';
import type ExpressModule from 'express';

/*
 * The frameworks on HTTP/2, as their own tests check them on HTTP/1: the
 * route template names the span, an error the framework answers with a 5xx
 * fires gotRequestException once, a 4xx does not, and every answer is the
 * one the app gives with the instrumentation disabled.
 */

/** Where a served app listens. */
interface Target {
  origin: string;
  port: number;
}

type Answer = ReturnType<typeof sameH2Answer>;

interface Protocol {
  label: string;
  version: '2' | '1.1';
  get(target: Target, path: string): Promise<Answer>;
}

const H2: Protocol = {
  label: 'HTTP/2',
  version: '2',
  get: async (target, path) => sameH2Answer(await h2fetch(target.origin, { ':path': path })),
};
/* An HTTP/1.1 client on the same TLS port: allowHTTP1 hands Node's IncomingMessage to the same app. */
const H1_ON_H2_SERVER: Protocol = {
  label: 'HTTP/1.1 (allowHTTP1)',
  version: '1.1',
  get: async (target, path) => sameAnswer(await request(target.port, { tls: true, path })),
};

/** A request to an app built with `setup`: its status, its route, and the error reported, if any. */
interface Case<Setup> {
  name: string;
  setup: Setup;
  path: string;
  status: number;
  route: string | undefined;
  reported: Error | undefined;
}

/**
 * One test per case: the answer, the signal and the span, then the same
 * request to an app built while the instrumentation is disabled.
 */
function itServesCase<Setup>(protocol: Protocol, c: Case<Setup>, serve: (setup: Setup) => Promise<Target>): void {
  const outcome = `${c.status}${c.reported !== undefined ? ', reported once' : ', not reported'}`;
  it(`${c.name} (${protocol.label}): ${outcome}, the same answer as without the instrumentation`, async () => {
    const heard = record(gotRequestException);
    const answer = await protocol.get(await serve(c.setup), c.path);
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      {
        status: answer.status,
        reported: heard.map(call => call.kwargs.exception),
        name: span.name,
        route: span.attributes['http.route'],
        version: span.attributes['network.protocol.version'],
        events: exceptionEvents(span),
        code: span.status.code,
      },
      {
        status: c.status,
        reported: c.reported !== undefined ? [c.reported] : [],
        name: c.route === undefined ? 'GET' : `GET ${c.route}`,
        route: c.route,
        version: protocol.version,
        events: c.reported !== undefined ? 1 : 0,
        code: c.reported !== undefined ? SpanStatusCode.ERROR : SpanStatusCode.UNSET,
      }
    );
    instrumentation.disable();
    try {
      assert.deepEqual(await protocol.get(await serve(c.setup), c.path), answer);
    } finally {
      instrumentation.enable();
    }
  });
}

// ---- Fastify 5 and 4, `http2: true` ------------------------------------------

// One error per framework: Koa sets `status` on the errors it answers, which would change what another framework answers.
const failure = new Error('fastify route failure');
type FastifyRoutes = (app: FastifyInstance) => void;
const throwingRoute: FastifyRoutes = app =>
  app.get('/users/:id', () => {
    throw failure;
  });
const FASTIFY_CASES: Array<Case<FastifyRoutes>> = [
  {
    name: 'a route that answers',
    setup: app => app.get('/users/:id', async () => 'ok'),
    path: '/users/7',
    status: 200,
    route: '/users/:id',
    reported: undefined,
  },
  {
    name: 'a route that throws',
    setup: throwingRoute,
    path: '/users/7',
    status: 500,
    route: '/users/:id',
    reported: failure,
  },
  {
    name: 'a route that rejects',
    setup: app =>
      app.get('/users/:id', async () => {
        throw failure;
      }),
    path: '/users/7',
    status: 500,
    route: '/users/:id',
    reported: failure,
  },
  {
    name: 'an error a setErrorHandler answers with a 503',
    setup: app => (
      app.setErrorHandler((_error, _request, reply) => reply.code(503).send({ handled: true })),
      throwingRoute(app)
    ),
    path: '/users/7',
    status: 503,
    route: '/users/:id',
    reported: failure,
  },
  {
    name: 'an error a setErrorHandler answers with a 400',
    setup: app => (
      app.setErrorHandler((_error, _request, reply) => reply.code(400).send({ handled: true })),
      throwingRoute(app)
    ),
    path: '/users/7',
    status: 400,
    route: '/users/:id',
    reported: undefined,
  },
  {
    name: 'a validation error',
    setup: app =>
      app.get('/users/:id', { schema: { querystring: { type: 'object', required: ['q'] } } }, async () => 'ok'),
    path: '/users/7',
    status: 400,
    route: '/users/:id',
    reported: undefined,
  },
  { name: 'no route matched', setup: throwingRoute, path: '/nope', status: 404, route: undefined, reported: undefined },
];

const FASTIFY_MAJORS = [
  { label: 'Fastify 5', create: Fastify as unknown as (options: object) => FastifyInstance },
  { label: 'Fastify 4', create: Fastify4 as unknown as (options: object) => FastifyInstance },
];

for (const { label, create } of FASTIFY_MAJORS) {
  for (const secure of [false, true]) {
    describe(`${label} with http2: true${secure ? ' and https (h2 over TLS)' : ' (h2c)'}`, () => {
      useInstrumentation();
      const apps: FastifyInstance[] = [];
      afterEach(async () => {
        await Promise.all(apps.splice(0).map(app => app.close()));
      });

      async function serve(routes: FastifyRoutes): Promise<Target> {
        const app = create({ logger: false, http2: true, ...(secure ? { https: TLS_OPTIONS } : {}) });
        apps.push(app);
        routes(app);
        await app.listen({ port: 0, host: '127.0.0.1' });
        const { port } = app.server.address() as AddressInfo;
        return { origin: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`, port };
      }

      it('really serves HTTP/2: the request is an Http2ServerRequest', async () => {
        const started = record(requestStarted);
        await H2.get(await serve(app => app.get('/', async () => 'ok')), '/');
        assert.ok(started[0].kwargs.request instanceof http2.Http2ServerRequest);
      });

      for (const c of FASTIFY_CASES) itServesCase(H2, c, serve);
    });
  }
}

// ---- Koa 3 and Express 5 on http2.createSecureServer({ allowHTTP1: true }) ----

const koaFailure = new Error('koa route failure');
type KoaSetup = (router: Router) => void;
const KOA_CASES: Array<Case<KoaSetup>> = [
  {
    name: 'a route that answers',
    setup: router => router.get('/users/:id', ctx => (ctx.body = 'ok')),
    path: '/users/7',
    status: 200,
    route: '/users/:id',
    reported: undefined,
  },
  {
    name: 'a route that throws',
    setup: router =>
      router.get('/users/:id', () => {
        throw koaFailure;
      }),
    path: '/users/7',
    status: 500,
    route: '/users/:id',
    reported: koaFailure,
  },
  {
    name: 'a route that rejects',
    setup: router =>
      router.get('/users/:id', async () => {
        throw koaFailure;
      }),
    path: '/users/7',
    status: 500,
    route: '/users/:id',
    reported: koaFailure,
  },
  {
    name: 'ctx.throw(404)',
    setup: router => router.get('/users/:id', ctx => ctx.throw(404, 'no such user')),
    path: '/users/7',
    status: 404,
    route: '/users/:id',
    reported: undefined,
  },
  {
    name: 'no route matched',
    setup: router =>
      router.get('/users/:id', () => {
        throw koaFailure;
      }),
    path: '/nope',
    status: 404,
    route: undefined,
    reported: undefined,
  },
];

describe('Koa 3 on an HTTP/2 server with allowHTTP1', () => {
  useInstrumentation();
  const { serve } = useHttp2();
  let Koa: typeof KoaApp;
  // Once the instrumentation is enabled: its require hook patches koa as it loads.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a require after enable, as said above
  before(() => (Koa = require('koa') as typeof KoaApp));

  function serveKoa(setup: KoaSetup): Promise<Target> {
    const app = new Koa();
    app.silent = true;
    const router = new Router();
    setup(router);
    app.use(router.routes());
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- Koa's listener returns a promise that never rejects (errors go to ctx.onerror)
    return serve(http2.createSecureServer({ ...TLS_OPTIONS, allowHTTP1: true }, app.callback()), true);
  }

  for (const protocol of [H2, H1_ON_H2_SERVER]) {
    for (const c of KOA_CASES) itServesCase(protocol, c, serveKoa);
  }
});

type ExpressApp = ReturnType<typeof ExpressModule>;
const expressFailure = new Error('express route failure');
// Made once, like the others: Express's error page (env 'test') shows the stack, which differs by call site.
const notFound = Object.assign(new Error('no such user'), { status: 404 });
type ExpressSetup = (app: ExpressApp) => void;
const EXPRESS_CASES: Array<Case<ExpressSetup>> = [
  {
    name: 'a route that answers',
    setup: app => app.get('/users/:id', (_req, res) => res.send('ok')),
    path: '/users/7',
    status: 200,
    route: '/users/:id',
    reported: undefined,
  },
  {
    name: 'a route that throws',
    setup: app =>
      app.get('/users/:id', () => {
        throw expressFailure;
      }),
    path: '/users/7',
    status: 500,
    route: '/users/:id',
    reported: expressFailure,
  },
  {
    name: 'a route that rejects',
    setup: app =>
      app.get('/users/:id', async () => {
        throw expressFailure;
      }),
    path: '/users/7',
    status: 500,
    route: '/users/:id',
    reported: expressFailure,
  },
  {
    name: 'an error with status 404 passed to next',
    setup: app => app.get('/users/:id', (_req, _res, next) => next(notFound)),
    path: '/users/7',
    status: 404,
    route: '/users/:id',
    reported: undefined,
  },
  {
    name: 'no route matched',
    setup: app =>
      app.get('/users/:id', () => {
        throw expressFailure;
      }),
    path: '/nope',
    status: 404,
    route: undefined,
    reported: undefined,
  },
];

describe('Express 5 on an HTTP/2 server with allowHTTP1', () => {
  useInstrumentation();
  const { serve, connect } = useHttp2();
  let express: typeof ExpressModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once the instrumentation is enabled, for its require hook
  before(() => (express = require('express') as typeof ExpressModule));

  function expressServer(setup: ExpressSetup): http2.Http2SecureServer {
    const app = express();
    app.set('env', 'test'); // finalhandler logs errors in any other env
    setup(app);
    // Express's own types refuse an Http2ServerRequest: it is served as Express is used with allowHTTP1.
    const listener = app as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;
    return http2.createSecureServer({ ...TLS_OPTIONS, allowHTTP1: true }, listener);
  }

  for (const c of EXPRESS_CASES) itServesCase(H1_ON_H2_SERVER, c, setup => serve(expressServer(setup), true));

  /*
   * Express 5 does not support HTTP/2: it swaps the request's prototype for
   * its own (built on http.IncomingMessage), whose getters find nothing in an
   * Http2ServerRequest, so no route matches and finalhandler fails in Node's
   * own code. The stream is never answered and two TypeErrors reach
   * uncaughtException. With the instrumentation, exactly the same.
   */
  async function requestOverH2(): Promise<{ status: number | undefined; uncaught: string[] }> {
    return collectingUncaught(async uncaught => {
      const server = expressServer(app => app.get('/users/:id', (_req, res) => res.send('ok')));
      const closed = new Promise(resolve => server.once('stream', stream => stream.on('close', resolve)));
      const client = connect(await serve(server, true));
      const answer = h2request(client, { ':path': '/users/7' });
      await waitForCount(uncaught, 2);
      client.destroy(); // the client gives up: the stream would wait forever
      await Promise.all([answer, closed]);
      return { status: (await answer).status, uncaught: uncaught.map(error => (error as Error).message) };
    });
  }

  it('fails over HTTP/2 exactly as without the instrumentation (Express 5 does not support HTTP/2)', async () => {
    const bare = await (async () => {
      instrumentation.disable();
      try {
        return await requestOverH2();
      } finally {
        instrumentation.enable();
      }
    })();
    const started = record(requestStarted);
    const finished = record(requestFinished);
    const reported = record(gotRequestException);
    const instrumented = await requestOverH2();
    assert.deepEqual(bare, {
      status: undefined,
      uncaught: [
        "Cannot read properties of undefined (reading 'readable')",
        'Cannot convert undefined or null to object',
      ],
    });
    assert.deepEqual(instrumented, bare);
    // The errors come from Node's code in later ticks, not from a listener: nothing to report.
    await waitForCount(finished, 1);
    assert.deepEqual([started.length, finished.map(call => call.kwargs.aborted), reported.length], [1, [true], 0]);
  });
});
