import * as http from 'http';
import * as https from 'https';
import * as net from 'net';

export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ClientRequest {
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string;
  agent?: http.Agent | false;
  tls?: boolean;
}

/** One request from a real client; resolves with the whole response. */
export function request(port: number, options: ClientRequest = {}): Promise<ClientResponse> {
  const transport = options.tls ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        agent: options.agent ?? false,
        rejectUnauthorized: false,
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          })
        );
        response.on('error', reject);
      }
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** Sends raw bytes and resolves with everything the server wrote before closing (or the timeout). */
export function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 1000): Promise<string> {
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', chunk => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', finish);
  });
}

/** Sends a request and closes the connection once the server has it, before any response. */
export function abortAfterSending(port: number, path: string, waitForServer: Promise<unknown>): Promise<void> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    });
    socket.on('error', () => undefined);
    void waitForServer.then(() => {
      socket.destroy();
      resolve();
    });
  });
}

export interface CutResponse {
  status: number;
  body: string;
  /** False when the connection closed before the response's end. */
  complete: boolean;
}

/** One request whose response may be cut midway (a stream that fails): resolves either way. */
export function requestUntilClosed(port: number, path: string): Promise<CutResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.get({ host: '127.0.0.1', port, path, agent: false }, response => {
      const chunks: Buffer[] = [];
      const settle = (complete: boolean) =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString(), complete });
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => settle(true));
      response.on('error', () => settle(false));
    });
    outgoing.on('error', reject);
  });
}
