import * as assert from 'node:assert/strict';
import { request } from './utils/client';
import { describeRoutesAndRequestFinished } from './utils/framework-routes';
import { Setup, failingStream, failure, throwingRoute, useHapi } from './utils/hapi';
import { waitForSpans } from './utils/tracing';

describe('Hapi 21: routes and requestFinished', () => {
  const serve = useHapi();
  const okRoute: Setup = server => server.route({ method: 'GET', path: '/users/{id}', handler: () => 'ok' });

  describeRoutesAndRequestFinished<Setup>({
    serve,
    template: '/users/{id}',
    okRoute,
    failingRoute: throwingRoute,
    failingRouteAndOk: server => {
      throwingRoute(server);
      server.route({ method: 'GET', path: '/ok', handler: () => 'ok' });
    },
    failingBody: server => server.route({ method: 'GET', path: '/export', handler: () => failingStream() }),
    failingAfterTheClientLeft: (received, handled) => server => {
      server.events.once('response', handled);
      server.route({
        method: 'GET',
        path: '/users/{id}',
        handler: async request => {
          const closed = new Promise(resolve => request.raw.res.once('close', resolve));
          received();
          await closed;
          throw failure;
        },
      });
    },
  });

  it('sets the full path of a route in a plugin registered with a prefix', async () => {
    const port = await serve(server =>
      server.register({ name: 'users', register: okRoute }, { routes: { prefix: '/api' } })
    );
    await request(port, { path: '/api/users/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual([span.name, span.attributes['http.route']], ['GET /api/users/{id}', '/api/users/{id}']);
  });
});
