import * as http2 from 'http2';
import type { AddressInfo } from 'net';
import { TLS_OPTIONS } from './server';

export type Http2Server = http2.Http2Server | http2.Http2SecureServer;

export interface RunningHttp2Server<S extends Http2Server = Http2Server> {
  server: S;
  port: number;
  /** `http://127.0.0.1:port` (h2c) or `https://…` (h2 over TLS). */
  origin: string;
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1; close() ends its open sessions first. */
export function listenHttp2<S extends Http2Server>(server: S, secure: boolean): Promise<RunningHttp2Server<S>> {
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', session => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const close = () =>
        new Promise<void>(done => {
          for (const session of sessions) session.destroy();
          server.close(() => done());
        });
      resolve({ server, port, origin: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`, close });
    });
  });
}

/** h2c, or h2 over TLS with the test certificate (`allowHTTP1` as given). */
export function createHttp2Server(secure: boolean, options: http2.SecureServerOptions = {}): Http2Server {
  return secure ? http2.createSecureServer({ ...TLS_OPTIONS, ...options }) : http2.createServer(options);
}

/**
 * Mocha hooks for a suite whose tests start HTTP/2 servers and client
 * sessions: returns `serve` and `connect`, and closes everything after each test.
 */
export function useHttp2(): {
  serve: (server: Http2Server, secure: boolean) => Promise<RunningHttp2Server>;
  connect: (running: RunningHttp2Server) => http2.ClientHttp2Session;
} {
  const servers: RunningHttp2Server[] = [];
  const clients: http2.ClientHttp2Session[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await Promise.all(servers.splice(0).map(running => running.close()));
  });
  return {
    async serve(server, secure) {
      const running = await listenHttp2(server, secure);
      servers.push(running);
      return running;
    },
    connect(running) {
      const client = http2.connect(running.origin, { rejectUnauthorized: false });
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    },
  };
}

export interface Http2Answer {
  status: number | undefined;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  trailers: http2.IncomingHttpHeaders | undefined;
  /** The stream's RST_STREAM code as the client saw it (0 when it closed normally). */
  rstCode: number | undefined;
}

/** One request on `client`; resolves when the stream closes, however it ends. */
export function h2request(
  client: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders = {},
  body?: Buffer | string
): Promise<Http2Answer> {
  return new Promise(resolve => {
    const stream = client.request({ ':path': '/', ...headers }, { endStream: body === undefined });
    const chunks: Buffer[] = [];
    const answer: Http2Answer = {
      status: undefined,
      headers: {},
      body: Buffer.alloc(0),
      trailers: undefined,
      rstCode: undefined,
    };
    stream.on('response', responseHeaders => {
      answer.headers = responseHeaders;
      answer.status = responseHeaders[':status'];
    });
    stream.on('trailers', (trailers: http2.IncomingHttpHeaders) => (answer.trailers = trailers));
    stream.on('data', chunk => chunks.push(chunk as Buffer));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      answer.body = Buffer.concat(chunks);
      answer.rstCode = stream.rstCode;
      resolve(answer);
    });
    if (body !== undefined) stream.end(body);
  });
}

/** One request on a session of its own to `origin` (h2c or h2 over TLS), closed once the stream is. */
export async function h2fetch(
  origin: string,
  headers: http2.OutgoingHttpHeaders = {},
  body?: Buffer | string
): Promise<Http2Answer> {
  const client = http2.connect(origin, { rejectUnauthorized: false });
  client.on('error', () => undefined);
  try {
    return await h2request(client, headers, body);
  } finally {
    client.close();
  }
}

/** What a client can tell apart between two HTTP/2 answers (not the date). */
export function sameH2Answer(answer: Http2Answer) {
  return { status: answer.status, contentType: answer.headers['content-type'], body: answer.body.toString() };
}

/**
 * Runs `body` with the process's uncaughtException listeners (mocha's) set
 * aside and one that collects the errors in their place: an error a listener
 * throws reaches it exactly as it would reach the app's.
 */
export async function collectingUncaught<T>(body: (uncaught: unknown[]) => Promise<T>): Promise<T> {
  const uncaught: unknown[] = [];
  const collect = (error: unknown) => uncaught.push(error);
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', collect);
  try {
    return await body(uncaught);
  } finally {
    process.removeListener('uncaughtException', collect);
    for (const listener of listeners) process.on('uncaughtException', listener);
  }
}
