/*
 * Hono apps on @hono/node-server for the Hono test files: the adapter hooks
 * require(), so Hono is loaded only once the instrumentation is enabled
 * (useHono), and read through `hono` afterwards. These load Hono's CommonJS
 * build; hono-esm.test.ts runs its ESM build.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sinon from 'sinon';
import { useInstrumentation } from './instrumentation';

import type * as HonoModule from 'hono';
import type * as HttpExceptionModule from 'hono/http-exception';
import type * as StreamingModule from 'hono/streaming';
import type * as NodeServerModule from '@hono/node-server';

export type App = HonoModule.Hono;
export type Setup = (app: App) => void;

export const hono = {} as {
  Hono: typeof HonoModule.Hono;
  HTTPException: typeof HttpExceptionModule.HTTPException;
  stream: typeof StreamingModule.stream;
};

export const failure = new Error('route failure');
export const throwingRoute: Setup = app =>
  app.get('/users/:id', () => {
    throw failure;
  });
export const rejectingRoute: Setup = app =>
  // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose: a handler that rejects (throwingRoute throws)
  app.get('/users/:id', async () => {
    throw failure;
  });
/* With a middleware, Hono composes the handlers instead of calling the only one directly. */
export const behindMiddleware: Setup = app => {
  app.use('*', async (_c, next) => {
    await next();
  });
  rejectingRoute(app);
};

/** Mocha hooks: the instrumentation, and `serve`, which serves an app (or one `setup` builds) for one test. */
export function useHono(): (setup: Setup | App) => Promise<number> {
  useInstrumentation();
  let nodeServer: typeof NodeServerModule;
  before(() => {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded once the instrumentation is enabled, for its require hook */
    hono.Hono = (require('hono') as typeof HonoModule).Hono;
    hono.HTTPException = (require('hono/http-exception') as typeof HttpExceptionModule).HTTPException;
    hono.stream = (require('hono/streaming') as typeof StreamingModule).stream;
    nodeServer = require('@hono/node-server') as typeof NodeServerModule;
    /* eslint-enable @typescript-eslint/no-require-imports */
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
    const app = typeof setup === 'function' ? new hono.Hono() : setup;
    if (typeof setup === 'function') setup(app);
    return new Promise(resolve => {
      const server = nodeServer.serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve((server.address() as AddressInfo).port)
      ) as Server;
      servers.push(server);
    });
  };
}

/** A web body stream that sends one chunk, then fails. */
export function failingBody(): ReadableStream<Uint8Array> {
  let pulls = 0;
  return new ReadableStream({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('first rows\n'));
      else setImmediate(() => controller.error(new Error('the export query failed')));
    },
  });
}
