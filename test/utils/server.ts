import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import type { AddressInfo } from 'net';

export interface RunningServer<S extends http.Server | https.Server = http.Server> {
  server: S;
  port: number;
  close(): Promise<void>;
}

/** Where test/fixtures lives, from the compiled build/test/utils. */
export const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');

export const TLS_OPTIONS = {
  key: fs.readFileSync(path.join(FIXTURES, 'tls-key.pem')),
  cert: fs.readFileSync(path.join(FIXTURES, 'tls-cert.pem')),
};

export function startHttpServer(
  listener?: http.RequestListener,
  options: http.ServerOptions = {}
): Promise<RunningServer> {
  return listenOnLoopback(http.createServer(options, listener));
}

export function startHttpsServer(listener?: http.RequestListener): Promise<RunningServer<https.Server>> {
  return listenOnLoopback(https.createServer(TLS_OPTIONS, listener));
}

export function listenOnLoopback<S extends http.Server | https.Server>(server: S): Promise<RunningServer<S>> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, port, close: () => closeServer(server) });
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise(resolve => server.close(() => resolve()));
}

/**
 * Mocha hooks for a suite whose tests each start a server: returns `serve`,
 * and closes whatever it started after each test.
 */
export function useServer(): (listener?: http.RequestListener, options?: http.ServerOptions) => Promise<RunningServer> {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  return async (listener, options) => {
    running = await startHttpServer(listener, options);
    return running;
  };
}
