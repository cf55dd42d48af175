/*
 * http.route for NestJS 11: the template Nest registers (and logs) a route
 * under, on both platforms, whatever spelling the platform's router uses.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type * as PlatformFastify from '@nestjs/platform-fastify';
import { request } from './utils/client';
import { instrumentation, useInstrumentation } from './utils/instrumentation';
import { Handler, NestApp, PLATFORMS, nestFixture, useNest } from './utils/nest';
import { waitForSpans } from './utils/tracing';

const ok: Handler = () => 'ok';

function prefixedAndVersioned(app: NestApp): void {
  app.setGlobalPrefix('api');
  app.enableVersioning({ type: nestFixture().common.VersioningType.URI });
}

async function routeOf(port: number, path: string, headers?: Record<string, string>) {
  const response = await request(port, { path, headers });
  const [span] = await waitForSpans(1);
  return { status: response.status, body: response.body, name: span.name, route: span.attributes['http.route'] };
}

for (const platform of PLATFORMS) {
  describe(`Nest 11 on ${platform}: routes`, () => {
    useInstrumentation();
    const serve = useNest(platform);

    it('names the span from the full template: global prefix, URI version, controller and method paths', async () => {
      const users = nestFixture().usersController(ok, { options: { path: 'users', version: '1' } });
      const port = await serve([users], prefixedAndVersioned);
      assert.deepEqual(await routeOf(port, '/api/v1/users/7'), {
        status: 200,
        body: 'ok',
        name: 'GET /api/v1/users/:id',
        route: '/api/v1/users/:id',
      });
    });

    it('names a failing request the same way', async () => {
      const users = nestFixture().usersController(
        () => {
          throw new Error('fails');
        },
        { options: { path: 'users', version: '1' } }
      );
      const port = await serve([users], prefixedAndVersioned);
      const { status, route } = await routeOf(port, '/api/v1/users/7');
      assert.deepEqual([status, route], [500, '/api/v1/users/:id']);
    });

    it('leaves out the prefix for a path excluded from it', async () => {
      const { controller, common } = nestFixture();
      const health = controller('HealthController', [common.Controller('health')], {
        check: { route: [common.Get()], handle: ok },
      });
      const port = await serve([health], app => app.setGlobalPrefix('api', { exclude: ['health'] }));
      assert.equal((await routeOf(port, '/health')).route, '/health');
    });

    it("keeps Nest's spelling of a wildcard ('/files/*'), which Express registers as '/files/{*path}'", async () => {
      const { controller, common } = nestFixture();
      const files = controller('FilesController', [common.Controller('files')], {
        any: { route: [common.Get('*')], handle: ok },
      });
      const port = await serve([files]);
      assert.deepEqual(await routeOf(port, '/files/a/b'), {
        status: 200,
        body: 'ok',
        name: 'GET /files/*',
        route: '/files/*',
      });
    });

    it('gives a method mapped to two paths the one each request matched', async () => {
      const { controller, common } = nestFixture();
      const both = controller('BothController', [common.Controller()], {
        either: { route: [common.Get(['people/:id', 'persons/:name'])], handle: ok },
      });
      const port = await serve([both]);
      const first = await routeOf(port, '/persons/ada');
      assert.equal(first.route, '/persons/:name');
    });

    it("still answers by version with header versioning (the adapter's version constraint is the handler's)", async () => {
      const { controller, common } = nestFixture();
      const versions = ['1', '2'].map(version =>
        controller(`V${version}Controller`, [common.Controller({ path: 'things', version })], {
          find: { route: [common.Get(':id')], handle: () => `version ${version}` },
        })
      );
      const port = await serve(versions, app =>
        app.enableVersioning({ type: common.VersioningType.HEADER, header: 'x-api-version' })
      );
      const answer = await routeOf(port, '/things/7', { 'x-api-version': '2' });
      assert.deepEqual([answer.body, answer.route], ['version 2', '/things/:id']);
    });

    it('registers routes through an adapter whose methods are frozen own properties', async () => {
      const { startNest, usersController } = nestFixture();
      const { app, port } = await startNest({
        platform,
        controllers: [usersController(ok)],
        prepareAdapter: adapter => {
          for (const name of ['get', 'normalizePath']) {
            Object.defineProperty(adapter, name, { value: adapter[name], writable: false, configurable: false });
          }
        },
      });
      try {
        const { status, body } = await routeOf(port, '/users/7');
        assert.deepEqual([status, body], [200, 'ok']);
      } finally {
        await app.close();
      }
    });

    it('sets no route when no route matched', async () => {
      const port = await serve([nestFixture().usersController(ok)]);
      const { status, name, route } = await routeOf(port, '/nowhere');
      assert.deepEqual([status, name, route], [404, 'GET', undefined]);
    });
  });
}

describe('Nest 11 on fastify: route options', () => {
  useInstrumentation();
  const serve = useNest('fastify');

  it("keeps what Fastify reads from the handler's metadata (@RouteConfig)", async () => {
    const { controller, common } = nestFixture();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after nestFixture(), once the instrumentation has patched @nestjs/core
    const { RouteConfig } = require('@nestjs/platform-fastify') as typeof PlatformFastify;
    const configured = controller('ConfiguredController', [common.Controller('configured')], {
      read: {
        route: [common.Get(), RouteConfig({ tag: 'kept' })],
        params: [common.Req()],
        handle: (req: { routeOptions: { config: { tag?: string } } }) => req.routeOptions.config.tag ?? 'lost',
      },
    });
    assert.equal((await routeOf(await serve([configured]), '/configured')).body, 'kept');
  });
});

describe('Nest 11: enabling and disabling', () => {
  useInstrumentation();

  const PATCHED = [
    ['exceptions/base-exception-filter.js', 'BaseExceptionFilter', 'catch'],
    ['router/router-explorer.js', 'RouterExplorer', 'applyCallbackToRouter'],
    ['router/router-proxy.js', 'RouterProxy', 'createExceptionLayerProxy'],
  ];

  /** For each patched method: whether it is @nestjs/core's own text. */
  function nestsOwn(): boolean[] {
    nestFixture(); // loads @nestjs/core through the hooks
    return PATCHED.map(([file, className, method]) => {
      const id = require.resolve(`@nestjs/core/${file}`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module as loaded now, from a path resolved at run time
      const loaded = require(id) as Record<string, { prototype: Record<string, () => unknown> }>;
      const current = String(loaded[className].prototype[method]);
      return fs.readFileSync(id, 'utf8').includes(current);
    });
  }

  it("puts @nestjs/core's own methods back when disabled, and replaces them again when enabled", () => {
    const enabled = nestsOwn();
    instrumentation.disable();
    const disabled = nestsOwn();
    instrumentation.enable();
    assert.deepEqual(
      [enabled, disabled, nestsOwn()],
      [
        [false, false, false],
        [true, true, true],
        [false, false, false],
      ]
    );
  });
});
