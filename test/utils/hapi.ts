/*
 * Hapi apps for the Hapi test files: the adapter hooks require(), so Hapi and
 * Boom are loaded only once the instrumentation is enabled (useHapi), and
 * read through `hapi` afterwards.
 */
import { Readable } from 'node:stream';
import { useInstrumentation } from './instrumentation';

import type * as HapiModule from '@hapi/hapi';
import type * as BoomModule from '@hapi/boom';

export type Server = HapiModule.Server;
export type Setup = (server: Server) => void | Promise<void>;

export const hapi = {} as { Hapi: typeof HapiModule; Boom: typeof BoomModule };

export const failure = new Error('route failure');
export const throwingRoute = (server: Server): void =>
  server.route({
    method: 'GET',
    path: '/users/{id}',
    handler: () => {
      throw failure;
    },
  });
export const rejectingRoute = (server: Server): void =>
  server.route({
    method: 'GET',
    path: '/users/{id}',
    // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose: a handler that rejects (throwingRoute throws)
    handler: async () => {
      throw failure;
    },
  });

/** Mocha hooks: the instrumentation, and `serve`, which starts a Hapi server on 127.0.0.1 for one test. */
export function useHapi(): (setup: Setup) => Promise<number> {
  useInstrumentation();
  before(() => {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded once the instrumentation is enabled, for its require hook */
    hapi.Hapi = require('@hapi/hapi') as typeof HapiModule;
    hapi.Boom = require('@hapi/boom') as typeof BoomModule;
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.stop()));
  });
  return async setup => {
    // debug: false, or Hapi prints every 500 to the console.
    const server = hapi.Hapi.server({ port: 0, host: '127.0.0.1', debug: false });
    servers.push(server);
    await setup(server);
    await server.start();
    return server.info.port as number;
  };
}

/** A body stream that sends one chunk, then fails. */
export function failingStream(): Readable {
  let reads = 0;
  return new Readable({
    read() {
      if (reads++ === 0) this.push('first rows\n');
      else setImmediate(() => this.destroy(new Error('the export query failed')));
    },
  });
}
