import * as assert from 'node:assert/strict';
import * as diagnosticsChannel from 'diagnostics_channel';
import type { AddressInfo } from 'net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import Fastify, { FastifyInstance } from 'fastify';
import Fastify4 from 'fastify4';
import { gotRequestException } from '../src';
import { request } from './utils/client';
import { ClosedResponses, countClosedResponses } from './utils/closed-responses';
import { instrumentation, useInstrumentation } from './utils/instrumentation';
import { describeErrorsTheFrameworkAnswers, exceptionEvents, outcomeOf } from './utils/framework-errors';
import { describeRouteOnTheSpan } from './utils/framework-routes';
import { record } from './utils/receivers';
import { exporter, serverSpans, waitForServerSpans, waitForSpans } from './utils/tracing';

/* Both majors run in-process: the adapter hooks a diagnostics channel, which does not care what fastify is called. */
const MAJORS = [
  { label: 'Fastify 5', create: Fastify },
  { label: 'Fastify 4', create: Fastify4 as unknown as typeof Fastify },
];

type Routes = (app: FastifyInstance) => void;

const failure = new Error('route failure');
const throwingRoute: Routes = app =>
  app.get('/users/:id', () => {
    throw failure;
  });
const rejectingRoute: Routes = app =>
  app.get('/users/:id', async () => {
    throw failure;
  });
const FAILING_ROUTES: Array<[string, Routes]> = [
  ['throws', throwingRoute],
  ['rejects', rejectingRoute],
];

/** Serves `routes` on Fastify instances built in this scope; closes them after each test. */
function useFastify(create: typeof Fastify): (routes: Routes) => Promise<number> {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map(app => app.close()));
  });
  return async routes => {
    const app = create({ logger: false });
    apps.push(app);
    routes(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as AddressInfo).port;
  };
}

for (const { label, create } of MAJORS) {
  describe(`${label}: errors Fastify answers`, () => {
    useInstrumentation();
    const serve = useFastify(create);

    describeErrorsTheFrameworkAnswers('Fastify', FAILING_ROUTES, serve, failure);

    it('reports an error a hook throws', async () => {
      const heard = record(gotRequestException);
      const port = await serve(app => {
        app.addHook('preHandler', async () => {
          throw failure;
        });
        app.get('/', async () => 'unreachable');
      });
      await request(port);
      assert.deepEqual(
        heard.map(call => call.kwargs.exception === failure),
        [true]
      );
    });
  });

  describe(`${label}: errors the app answers`, () => {
    useInstrumentation();
    const serve = useFastify(create);

    it('reports nothing for an error a setErrorHandler answers with a 400, and leaves the span unset', async () => {
      const heard = record(gotRequestException);
      const port = await serve(app => {
        app.setErrorHandler((_error, _request, reply) => reply.code(400).send({ handled: true }));
        throwingRoute(app);
      });
      const response = await request(port, { path: '/users/7' });
      assert.deepEqual(await outcomeOf(response, heard), {
        status: 400,
        body: '{"handled":true}',
        heard: 0,
        events: 0,
        code: SpanStatusCode.UNSET,
        name: 'GET /users/:id',
      });
    });

    it('reports an error a setErrorHandler answers with a 500', async () => {
      const heard = record(gotRequestException);
      const port = await serve(app => {
        app.setErrorHandler((_error, _request, reply) => reply.code(503).send({ handled: true }));
        throwingRoute(app);
      });
      const response = await request(port, { path: '/users/7' });
      assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === failure)], [503, [true]]);
    });

    it('reports an error a setErrorHandler throws back to Fastify', async () => {
      const heard = record(gotRequestException);
      const port = await serve(app => {
        app.setErrorHandler(error => {
          throw error;
        });
        rejectingRoute(app);
      });
      const response = await request(port, { path: '/users/7' });
      assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === failure)], [500, [true]]);
    });

    it('reports nothing for a validation error, a 400', async () => {
      const heard = record(gotRequestException);
      const port = await serve(app =>
        app.get('/search', { schema: { querystring: { type: 'object', required: ['q'] } } }, async () => 'ok')
      );
      const response = await request(port, { path: '/search' });
      assert.deepEqual([response.status, heard.length], [400, 0]);
    });
  });

  describe(`${label}: routes`, () => {
    useInstrumentation();
    const serve = useFastify(create);

    describeRouteOnTheSpan<Routes>({
      serve,
      template: '/users/:id',
      okRoute: app => app.get('/users/:id', async () => 'ok'),
      failingRoute: throwingRoute,
    });

    it('sets the full template of a route in a prefixed plugin', async () => {
      const port = await serve(
        app => void app.register(async api => api.get('/users/:id', async () => 'ok'), { prefix: '/api' })
      );
      await request(port, { path: '/api/users/7' });
      const [span] = await waitForSpans(1);
      assert.equal(span.attributes['http.route'], '/api/users/:id');
    });
  });
}

describe('Fastify: enabling and disabling', () => {
  useInstrumentation();

  it('stops listening for new Fastify instances on disable(), however often it was enabled', () => {
    const channel = diagnosticsChannel.channel('fastify.initialization');
    instrumentation.enable();
    instrumentation.enable();
    const whileEnabled = channel.hasSubscribers;
    instrumentation.disable();
    const afterDisable = channel.hasSubscribers;
    instrumentation.enable();
    assert.deepEqual([whileEnabled, afterDisable], [true, false]);
  });
});

/*
 * @fastify/otel sees our SERVER span's RPC metadata and makes its own request
 * span INTERNAL. Whichever hears fastify.initialization first, one SERVER span.
 */
const ORDERS = ['ours first', '@fastify/otel first'] as const;

for (const { label, create } of MAJORS) {
  for (const order of ORDERS) {
    describe(`${label} beside @fastify/otel (${order})`, () => {
      let fastifyOtel: FastifyOtelInstrumentation | undefined;
      const enableFastifyOtel = () =>
        (fastifyOtel = new FastifyOtelInstrumentation({ registerOnInitialization: true }));
      if (order === '@fastify/otel first') before(enableFastifyOtel);
      useInstrumentation();
      if (order === 'ours first') before(enableFastifyOtel);
      after(() => fastifyOtel?.disable());
      const serve = useFastify(create);

      let closed: ClosedResponses;
      async function requestTwice(): Promise<ReadableSpan[]> {
        const port = await serve(app => {
          closed = countClosedResponses(app.server);
          app.get('/ok', async () => 'ok');
          throwingRoute(app);
        });
        await request(port, { path: '/ok' });
        await request(port, { path: '/users/7' });
        return waitForServerSpans(2);
      }

      it('exports exactly one SERVER span per request', async () => {
        await requestTwice();
        await closed(2);
        assert.deepEqual(
          serverSpans().map(span => span.attributes['url.path']),
          ['/ok', '/users/7']
        );
      });

      it("nests @fastify/otel's request span, as INTERNAL, under ours", async () => {
        const [server] = await requestTwice();
        const theirs = exporter.getFinishedSpans().filter(span => span.attributes['fastify.root'] === '@fastify/otel');
        assert.ok(theirs.length >= 1, 'no span from @fastify/otel: it did not run');
        assert.deepEqual(
          [theirs[0].kind, theirs[0].parentSpanContext?.spanId],
          [SpanKind.INTERNAL, server.spanContext().spanId]
        );
      });

      it('fires gotRequestException once, with our SERVER span active', async () => {
        const heard = record(gotRequestException);
        const spans = await requestTwice();
        const failed = spans.find(span => span.attributes['url.path'] === '/users/7');
        assert.deepEqual(
          heard.map(call => [call.kwargs.exception === failure, call.activeSpan === call.kwargs.span]),
          [[true, true]]
        );
        assert.equal(heard[0].activeSpan?.spanContext().spanId, failed?.spanContext().spanId);
      });

      it('records the exception once on our SERVER span and names it by route', async () => {
        const spans = await requestTwice();
        const failed = spans.find(span => span.attributes['url.path'] === '/users/7')!;
        assert.deepEqual(
          [failed.name, exceptionEvents(failed), failed.status.code],
          ['GET /users/:id', 1, SpanStatusCode.ERROR]
        );
      });
    });
  }
}
