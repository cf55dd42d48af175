/*
 * Drives a server without the network: requests are written into a Duplex
 * stream handed to the server as a connection, so Node's real HTTP parser,
 * IncomingMessage, ServerResponse and event order all run, but no syscall
 * and no client process competes for the CPU. One keep-alive connection,
 * one request in flight: the next is pushed on the turn of the event loop
 * after the response ends (sooner would make it a pipelined request).
 */
import type { Server } from 'net';
import { Duplex } from 'stream';

/** Serves `count` requests (or HTTP/2 streams) through `server` in memory; resolves when all are done. */
export type Load = (server: Server, count: number) => Promise<void>;

type WriteCallback = (error?: Error | null) => void;

const REQUEST = Buffer.from(
  'GET /items/42?page=2 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n'
);

class InMemorySocket extends Duplex {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 54321;
  readonly remoteFamily = 'IPv4';
  readonly localAddress = '127.0.0.1';
  readonly localPort = 8080;
  readonly encrypted = undefined;

  constructor(private readonly onResponseEnd: () => void) {
    super();
  }
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: unknown, callback: WriteCallback): void {
    callback();
    // 'ok' answers end with the body; a chunked or empty body would need parsing.
    if (chunk.length >= 2 && chunk[chunk.length - 2] === 0x6f && chunk[chunk.length - 1] === 0x6b) this.onResponseEnd();
  }
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: WriteCallback): void {
    this._write(Buffer.concat(chunks.map(c => c.chunk)), null, callback);
  }
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** Serves `count` requests through `server` in memory, one after the other. */
export function loadInMemory(server: Server, count: number): Promise<void> {
  return new Promise(resolve => {
    let answered = 0;
    const socket = new InMemorySocket(() => {
      if (++answered < count) return setImmediate(() => socket.push(REQUEST));
      socket.destroy();
      setImmediate(resolve);
    });
    server.emit('connection', socket);
    socket.push(REQUEST);
  });
}
