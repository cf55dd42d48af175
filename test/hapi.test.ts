import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { SpanStatusCode } from '@opentelemetry/api';
import { gotRequestException } from '../src';
import { request } from './utils/client';
import { describeErrorsTheFrameworkAnswers, outcomeOf } from './utils/framework-errors';
import { Server, Setup, failure, hapi, rejectingRoute, throwingRoute, useHapi } from './utils/hapi';
import { record } from './utils/receivers';
import { waitForSpans } from './utils/tracing';

const FAILING_ROUTES: Array<[string, Setup]> = [
  ['throws', throwingRoute],
  ['rejects', rejectingRoute],
];

describe('Hapi 21: errors Hapi answers', () => {
  const serve = useHapi();

  it('really runs @hapi/hapi 21', () => {
    const manifest = fs.readFileSync(require.resolve('@hapi/hapi/package.json'), 'utf8');
    const { version } = JSON.parse(manifest) as { version: string };
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

  it('reports an error thrown with a 5xx status, as thrown (hapi.Boom.serverUnavailable)', async () => {
    const heard = record(gotRequestException);
    let boom: unknown;
    const port = await serve(server =>
      server.route({
        method: 'GET',
        path: '/users/{id}',
        handler: () => {
          boom = hapi.Boom.serverUnavailable('down');
          throw boom;
        },
      })
    );
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === boom)], [503, [true]]);
  });

  it('reports nothing for hapi.Boom.notFound, a client error, and leaves the span status unset', async () => {
    const heard = record(gotRequestException);
    const port = await serve(server =>
      server.route({
        method: 'GET',
        path: '/users/{id}',
        handler: () => {
          throw hapi.Boom.notFound('no such user');
        },
      })
    );
    const response = await request(port, { path: '/users/7' });
    assert.deepEqual(await outcomeOf(response, heard), {
      status: 404,
      body: response.body,
      heard: 0,
      events: 0,
      code: SpanStatusCode.UNSET,
      name: 'GET /users/{id}',
    });
  });

  it('reports nothing for a failed validation (400)', async () => {
    const heard = record(gotRequestException);
    const port = await serve(server =>
      server.route({
        method: 'GET',
        path: '/users/{id}',
        options: {
          validate: {
            params: (value: unknown) => {
              throw new Error(`bad id in ${JSON.stringify(value)}`);
            },
          },
        },
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
    assert.deepEqual(await outcomeOf(response, heard), {
      status: 200,
      body: '{"handled":true}',
      heard: 0,
      events: 0,
      code: SpanStatusCode.UNSET,
      name: 'GET /users/{id}',
    });
  });

  it('reports nothing when onPreResponse answers with its own 500; the span status follows the 500', async () => {
    const heard = record(gotRequestException);
    const response = await request(await serve(answeringErrors(500)), { path: '/users/7' });
    assert.deepEqual(await outcomeOf(response, heard), {
      status: 500,
      body: response.body,
      heard: 0,
      events: 0,
      code: SpanStatusCode.ERROR,
      name: 'GET /users/{id}',
    });
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

describe('Hapi 21: odd errors and callers', () => {
  const serve = useHapi();

  it('reports a thrown value that is not an Error as the Boom Hapi answers with, the value in its data', async () => {
    const heard = record(gotRequestException);
    const port = await serve(server =>
      server.route({
        method: 'GET',
        path: '/users/{id}',
        handler: () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- on purpose: a handler that throws a non-Error
          throw 'not an error';
        },
      })
    );
    const response = await request(port, { path: '/users/7' });
    const exceptions = heard.map(call => call.kwargs.exception as { isBoom?: boolean; data?: unknown });
    assert.deepEqual(
      [response.status, exceptions.map(exception => [exception.isBoom, exception.data])],
      [500, [[true, 'not an error']]]
    );
  });

  it('answers server.inject() (no socket, no span) as Hapi does, reporting nothing', async () => {
    const heard = record(gotRequestException);
    let server!: Server;
    await serve(created => {
      server = created;
      throwingRoute(created);
    });
    const response = await server.inject('/users/7');
    assert.deepEqual([response.statusCode, heard.length], [500, 0]);
  });
});
