/*
 * HTTP/2 in memory: the h2c counterpart of _in-memory-load.js. A Duplex is
 * handed to an http2 server as a connection, and this file plays the client
 * with pre-encoded frames, so Node's real nghttp2 session, Http2Stream and
 * the compatibility objects all run, but no client session and no syscall
 * competes for the CPU. One session per batch; CONCURRENCY streams are kept
 * open on it: when streams end, as many new ones are pushed, in one chunk,
 * on the next turn of the event loop.
 *
 * The request: GET /items/42?page=2 with :authority 127.0.0.1:8080,
 * user-agent and accept, HPACK literals without indexing (so every HEADERS
 * frame is the same bytes but its stream id, and the server decodes it in
 * full each time, as it would a first request).
 */
import type { ServerHttp2Session } from 'http2';
import type { Server } from 'net';
import { Duplex } from 'stream';

type WriteCallback = (error?: Error | null) => void;

const CONCURRENCY = 8;
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const [DATA, HEADERS, SETTINGS, WINDOW_UPDATE] = [0x0, 0x1, 0x4, 0x8];
const [END_STREAM, ACK, END_HEADERS] = [0x1, 0x1, 0x4];
const CONNECTION_WINDOW = 65535;

function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

const literal = (value: string): Buffer => Buffer.concat([Buffer.from([value.length]), Buffer.from(value)]);

// Static table: 2 :method GET, 6 :scheme http; literal values for 4 :path, 1 :authority, 58 user-agent, 19 accept.
// prettier-ignore
const HEADER_BLOCK = Buffer.concat([
  Buffer.from([0x82, 0x86, 0x04]), literal('/items/42?page=2'),
  Buffer.from([0x01]), literal('127.0.0.1:8080'),
  Buffer.from([0x0f, 58 - 15]), literal('bench'),
  Buffer.from([0x0f, 19 - 15]), literal('*/*'),
]);
const REQUEST = frame(HEADERS, END_HEADERS | END_STREAM, 1, HEADER_BLOCK);
const SETTINGS_ACK = frame(SETTINGS, ACK, 0, Buffer.alloc(0));

/** `count` request frames for streams firstId, firstId + 2, … in one buffer. */
function requests(firstId: number, count: number): Buffer {
  const chunk = Buffer.allocUnsafe(REQUEST.length * count);
  for (let i = 0; i < count; i++) {
    REQUEST.copy(chunk, i * REQUEST.length);
    chunk.writeUInt32BE(firstId + 2 * i, i * REQUEST.length + 5);
  }
  return chunk;
}

function windowUpdate(increment: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment, 0);
  return frame(WINDOW_UPDATE, 0, 0, payload);
}

/**
 * Reads the server's frames as they are written, in any chunking: answers
 * its SETTINGS, returns the connection's flow-control window, and calls
 * `onStreamEnd` for each frame that ends a stream.
 */
class FrameReader {
  private readonly header = Buffer.alloc(9);
  private headerBytes = 0;
  private payloadLeft = 0;
  private received = 0;

  constructor(
    private readonly socket: Duplex,
    private readonly onStreamEnd: () => void
  ) {}

  read(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.payloadLeft > 0) {
        const skipped = Math.min(this.payloadLeft, chunk.length - at);
        this.payloadLeft -= skipped;
        at += skipped;
        continue;
      }
      const copied = chunk.copy(this.header, this.headerBytes, at, Math.min(chunk.length, at + 9 - this.headerBytes));
      this.headerBytes += copied;
      at += copied;
      if (this.headerBytes === 9) this.onFrame();
    }
  }
  private onFrame(): void {
    const header = this.header;
    this.headerBytes = 0;
    this.payloadLeft = header.readUIntBE(0, 3);
    const [type, flags] = [header[3], header[4]];
    if (type === SETTINGS && (flags & ACK) === 0) this.socket.push(SETTINGS_ACK);
    if (type === DATA) this.returnWindow(this.payloadLeft);
    if ((type === DATA || type === HEADERS) && (flags & END_STREAM) !== 0) this.onStreamEnd();
  }
  private returnWindow(bytes: number): void {
    this.received += bytes;
    if (this.received < CONNECTION_WINDOW / 2) return;
    this.socket.push(windowUpdate(this.received));
    this.received = 0;
  }
}

class InMemoryH2Socket extends Duplex {
  private readonly reader: FrameReader;

  constructor(onStreamEnd: () => void) {
    super();
    this.reader = new FrameReader(this, onStreamEnd);
  }
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: unknown, callback: WriteCallback): void {
    this.reader.read(chunk);
    callback();
  }
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: WriteCallback): void {
    for (const { chunk } of chunks) this.reader.read(chunk);
    callback();
  }
  // The server ended the connection (after its GOAWAY): the client ends its side too.
  override _final(callback: WriteCallback): void {
    this.push(null);
    callback();
  }
}

/** Node's cached socket addresses, which its address getters fall back to (not in its types). */
interface CachedAddresses {
  _peername: { address: string; family: string; port: number };
  _sockname: { address: string; family: string; port: number };
}

/**
 * The addresses a TCP session would show (request.socket.remoteAddress, …):
 * Node wraps a Duplex in a socket whose address getters fall back to these
 * cached fields. Set once per session, outside any stream.
 */
function giveAddresses(session: ServerHttp2Session): void {
  const socket = session.socket as unknown as CachedAddresses;
  socket._peername = { address: '127.0.0.1', family: 'IPv4', port: 54321 };
  socket._sockname = { address: '127.0.0.1', family: 'IPv4', port: 8080 };
}

/**
 * The last response is sent, but its stream may not be closed yet on the
 * server (the core API's 'close' comes a few ticks later): the session is
 * closed gracefully, which waits for every stream, so that all of a batch's
 * work is done within the batch.
 */
function closeSession(session: ServerHttp2Session, done: () => void): void {
  session.close(() => setImmediate(done));
}

/** Serves `count` streams through the http2 (h2c) `server` in memory, on one session. */
export function loadH2InMemory(server: Server, count: number): Promise<void> {
  return new Promise(resolve => {
    let pushed = 0;
    let ended = 0;
    let endedSinceRefill = 0;
    const push = (streams: number) => {
      socket.push(requests(1 + 2 * pushed, streams));
      pushed += streams;
    };
    const refill = () => {
      const streams = Math.min(endedSinceRefill, count - pushed);
      endedSinceRefill = 0;
      if (streams > 0) push(streams);
    };
    let session: ServerHttp2Session | undefined;
    const socket = new InMemoryH2Socket(() => {
      if (++ended === count) return closeSession(session!, resolve);
      if (endedSinceRefill++ === 0) setImmediate(refill);
    });
    server.once('session', (created: ServerHttp2Session) => giveAddresses((session = created)));
    server.emit('connection', socket);
    socket.push(PREFACE);
    socket.push(frame(SETTINGS, 0, 0, Buffer.alloc(0)));
    push(Math.min(CONCURRENCY, count));
  });
}
