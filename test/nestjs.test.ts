/*
 * NestJS 11 answers route errors through its exception filters, which write
 * the response themselves: nothing reaches Express's final handler or
 * Fastify's error handler. Real Nest apps on both platforms, in-process.
 */
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { gotRequestException, requestFinished } from '../src';
import { request } from './utils/client';
import { describeErrorsTheFrameworkAnswers, exceptionEvents, outcomeOf } from './utils/framework-errors';
import { useInstrumentation } from './utils/instrumentation';
import { Handler, PLATFORMS, nestFixture, useNest } from './utils/nest';
import { record } from './utils/receivers';
import { serverSpans, waitForSpans } from './utils/tracing';

const failure = new Error('controller failure');
const FAILING_ROUTES: Array<[string, Handler]> = [
  [
    'throws',
    () => {
      throw failure;
    },
  ],
  [
    'rejects',
    // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose: a controller that rejects
    async () => {
      throw failure;
    },
  ],
];

for (const platform of PLATFORMS) {
  describe(`Nest 11 on ${platform}: errors Nest answers`, () => {
    useInstrumentation();
    const serve = useNest(platform);
    const serveUsers = (findOne: Handler, options?: object) => serve([nestFixture().usersController(findOne, options)]);

    describeErrorsTheFrameworkAnswers('Nest', FAILING_ROUTES, serveUsers, failure);

    it('fires for an HttpException with a 5xx status (ServiceUnavailableException)', async () => {
      const unavailable = new (nestFixture().common.ServiceUnavailableException)();
      const heard = record(gotRequestException);
      const response = await request(
        await serveUsers(() => {
          throw unavailable;
        }),
        { path: '/users/7' }
      );
      assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === unavailable)], [503, [true]]);
    });

    it('fires for an error a guard throws', async () => {
      const { common } = nestFixture();
      const guard = {
        canActivate: () => {
          throw failure;
        },
      };
      const heard = record(gotRequestException);
      const port = await serveUsers(() => 'unreachable', { classDecorators: [common.UseGuards(guard)] });
      await request(port, { path: '/users/7' });
      assert.deepEqual(
        heard.map(call => call.kwargs.exception === failure),
        [true]
      );
    });

    it('fires for an error a Nest middleware throws (consumer.apply)', async () => {
      const heard = record(gotRequestException);
      const port = await serve([nestFixture().usersController(() => 'unreachable')], undefined, () => {
        throw failure;
      });
      const response = await request(port, { path: '/users/7' });
      assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === failure)], [500, [true]]);
    });

    for (const [label, make] of [
      ['NotFoundException', () => new (nestFixture().common.NotFoundException)()],
      ['HttpException with a 404', () => new (nestFixture().common.HttpException)('gone', 404)],
    ] as const) {
      it(`reports nothing for a ${label}, and leaves the span status unset`, async () => {
        const heard = record(gotRequestException);
        const response = await request(
          await serveUsers(() => {
            throw make();
          }),
          { path: '/users/7' }
        );
        assert.deepEqual(await outcomeOf(response, heard), {
          status: 404,
          body: response.body,
          heard: 0,
          events: 0,
          code: SpanStatusCode.UNSET,
          name: 'GET /users/:id',
        });
      });
    }

    it("reports nothing for a request no route matched (Nest's own 404)", async () => {
      const heard = record(gotRequestException);
      const response = await request(await serveUsers(() => 'ok'), { path: '/nowhere' });
      await waitForSpans(1);
      assert.deepEqual([response.status, heard.length], [404, 0]);
    });

    it('fires requestFinished exactly once per request: answered, failed, not found', async () => {
      const heard = record(requestFinished);
      const port = await serveUsers((id: string) => {
        if (id === 'fail') throw failure;
        return { id };
      });
      for (const path of ['/users/7', '/users/fail', '/nowhere']) await request(port, { path });
      await waitForSpans(3);
      assert.deepEqual(
        heard.map(call => [call.kwargs.request.url, call.kwargs.aborted]),
        [
          ['/users/7', false],
          ['/users/fail', false],
          ['/nowhere', false],
        ]
      );
    });

    it("runs the controller with the request's SERVER span active", async () => {
      let activeInController: string | undefined;
      const port = await serveUsers(() => {
        activeInController = trace.getActiveSpan()?.spanContext().spanId;
        return 'ok';
      });
      await request(port, { path: '/users/7' });
      const [span] = await waitForSpans(1);
      assert.equal(activeInController, span.spanContext().spanId);
    });

    it('fires nothing for a StreamableFile whose stream fails midway: Nest cuts the response, requestFinished says aborted', async () => {
      const { StreamableFile } = nestFixture().common;
      const heardExceptions = record(gotRequestException);
      const heardFinished = record(requestFinished);
      const port = await serveUsers(() => new StreamableFile(failingMidway()));
      await request(port, { path: '/users/7' }).catch((error: unknown) => error);
      await waitForSpans(1);
      assert.deepEqual([heardExceptions.length, heardFinished.map(call => call.kwargs.aborted)], [0, [true]]);
    });
  });

  describe(`Nest 11 on ${platform}: errors the app's exception filters answer`, () => {
    useInstrumentation();
    const serve = useNest(platform);
    const [, throwing] = FAILING_ROUTES[0];

    it('fires for an error a global filter hands back to Nest (extends BaseExceptionFilter, super.catch)', async () => {
      const { usersController, deferringFilter } = nestFixture();
      const Filter = deferringFilter();
      const heard = record(gotRequestException);
      const port = await serve([usersController(throwing)], app =>
        app.useGlobalFilters(new Filter(app.getHttpAdapter()))
      );
      const response = await request(port, { path: '/users/7' });
      assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === failure)], [500, [true]]);
    });

    it('reports nothing for an error a global filter answers itself with a 500', async () => {
      const { usersController, answeringFilter } = nestFixture();
      const Filter = answeringFilter(500);
      const heard = record(gotRequestException);
      const port = await serve([usersController(throwing)], app => app.useGlobalFilters(new Filter()));
      const response = await request(port, { path: '/users/7' });
      await waitForSpans(1);
      assert.deepEqual([response.status, JSON.parse(response.body), heard.length], [500, { handledBy: 'app' }, 0]);
    });

    it('marks that 500 as ERROR by its status, without an exception event', async () => {
      const { usersController, answeringFilter } = nestFixture();
      const Filter = answeringFilter(500);
      await request(await serve([usersController(throwing)], app => app.useGlobalFilters(new Filter())), {
        path: '/users/7',
      });
      const [span] = await waitForSpans(1);
      assert.deepEqual([span.status.code, exceptionEvents(span)], [SpanStatusCode.ERROR, 0]);
    });

    it("reports nothing for an error the controller's @UseFilters filter answers with a 500", async () => {
      const { usersController, answeringFilter, common } = nestFixture();
      const heard = record(gotRequestException);
      const port = await serve([
        usersController(throwing, { classDecorators: [common.UseFilters(answeringFilter(500))] }),
      ]);
      const response = await request(port, { path: '/users/7' });
      await waitForSpans(1);
      assert.deepEqual([response.status, heard.length], [500, 0]);
    });
  });
}

describe('Nest 11 on express: a raw response that fails midway', () => {
  useInstrumentation();
  const serve = useNest('express');

  it('fires once for the error thrown after the first chunk, and requestFinished once, not aborted', async () => {
    const heardExceptions = record(gotRequestException);
    const heardFinished = record(requestFinished);
    const port = await serve([
      nestFixture().streamingController(() => {
        throw failure;
      }),
    ]);
    const response = await request(port, { path: '/users/7/stream' });
    await waitForSpans(1);
    assert.deepEqual(
      [response.status, response.body, heardExceptions.map(call => call.kwargs.exception === failure)],
      [200, 'first chunk\n', [true]]
    );
    assert.deepEqual(
      heardFinished.map(call => call.kwargs.aborted),
      [false]
    );
  });

  it('records it on the SERVER span, which keeps the status that was sent', async () => {
    await request(
      await serve([
        nestFixture().streamingController(() => {
          throw failure;
        }),
      ]),
      {
        path: '/users/7/stream',
      }
    );
    await waitForSpans(1);
    const [span] = serverSpans();
    assert.deepEqual(
      [span.attributes['http.response.status_code'], exceptionEvents(span), span.status.code],
      [200, 1, SpanStatusCode.ERROR]
    );
  });
});

describe("Nest 11 on fastify: an error Fastify hands to Nest's error layer", () => {
  useInstrumentation();
  const serve = useNest('fastify');

  it("fires once, with Fastify's error rather than the HttpException Nest maps it to", async () => {
    // What @fastify/error builds: Nest answers it with an HttpException of its status.
    const fastifyError = Object.assign(new Error('upstream unavailable'), { name: 'FastifyError', statusCode: 503 });
    const heard = record(gotRequestException);
    const port = await serve([nestFixture().usersController(() => 'unreachable')], app =>
      // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose: Fastify's async hook, whose rejection Fastify hands to Nest
      (app.getHttpAdapter().getInstance() as FastifyInstance).addHook('onRequest', async () => {
        throw fastifyError;
      })
    );
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === fastifyError)], [503, [true]]);
  });
});

/** A body whose first chunk goes out before it fails. */
function failingMidway(): Readable {
  let reads = 0;
  return new Readable({
    read() {
      if (reads++ === 0) this.push('x'.repeat(64 * 1024));
      else setImmediate(() => this.destroy(new Error('disk gone')));
    },
  });
}
