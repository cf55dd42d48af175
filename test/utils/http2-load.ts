/*
 * Load for the HTTP/2 soak: the server process under test
 * (test/fixtures/http2-soak-server.js, four servers) and Node's own
 * http2.connect clients, mixing answers, resets, sessions cut with their
 * streams open, GOAWAYs and failing listeners. Everything talks to 127.0.0.1.
 */
import * as http2 from 'http2';
import { seededRandom } from './load';
import { RequestCounts, forkSoakServer } from './soak-process';

export const HTTP2_SERVERS = ['h2c-compat', 'h2c-core', 'h2-compat', 'h2-core'] as const;
export type Http2ServerName = (typeof HTTP2_SERVERS)[number];

export interface Http2Fixture {
  ports: Record<Http2ServerName, number>;
  report(): Promise<Http2Report>;
  alive: () => boolean;
  stderr: () => string;
  stop: () => Promise<void>;
}

export interface Http2Report {
  counts: RequestCounts & {
    seenByServer: Record<string, number>;
    spansAborted: number;
    spansWithException: number;
  };
  openSessions: number;
  metrics?: { activeRequests: number; durations: number };
  samples: string[];
}

/** Forks the server process; `bare`: without the instrumentation. */
export async function startHttp2Fixture(options: { bare?: boolean } = {}): Promise<Http2Fixture> {
  const server = await forkSoakServer<{ ports: Record<Http2ServerName, number> }>('http2-soak-server.js', options);
  return {
    ports: server.listening.ports,
    report: () => server.call<Http2Report>('report'),
    alive: server.alive,
    stderr: server.stderr,
    stop: server.stop,
  };
}

/** The units of the mix. Each sends one stream, but `destroy` and `goaway` (HELD + 1 and HELD + 1). */
export type Http2UnitKind =
  'ok' | 'slow' | 'stream' | 'upload' | 'reset' | 'throw' | 'reject' | 'destroy' | 'goaway' | 'close';

/** Streams held open on a session that a unit then cuts. */
export const HELD = 3;
const STREAMS_PER_UNIT: Partial<Record<Http2UnitKind, number>> = { destroy: HELD, goaway: HELD + 1 };
const UPLOAD = Buffer.alloc(4096, 'u');
const SAFETY_TIMEOUT_MS = 15000;

export interface Http2Tally {
  sent: Record<Http2UnitKind, number>;
  streams: number;
  byServer: Record<string, number>;
  ok: number;
  status500: number;
  aborted: number;
  /** Anything not what the unit expected: a wrong answer, a session lost, a safety timeout. */
  unexpected: string[];
}

export interface Http2LoadOptions {
  ports: Record<Http2ServerName, number>;
  streams: number;
  mix: Record<Http2UnitKind, number>;
  concurrency: number;
  sessionsPerServer: number;
  seed: number;
}

/** Runs a weighted, seeded mix of units over pooled sessions (and fresh ones for the units that cut theirs). */
export async function runHttp2Load(options: Http2LoadOptions): Promise<Http2Tally> {
  const random = seededRandom(options.seed);
  const kinds = Object.entries(options.mix).filter(([, weight]) => weight > 0) as Array<[Http2UnitKind, number]>;
  const total = kinds.reduce((sum, [, weight]) => sum + weight, 0);
  const pick = (): Http2UnitKind => {
    let r = random() * total;
    for (const [kind, weight] of kinds) if ((r -= weight) < 0) return kind;
    return kinds[kinds.length - 1][0];
  };
  const tally: Http2Tally = {
    sent: Object.fromEntries(kinds.map(([kind]) => [kind, 0])) as Http2Tally['sent'],
    streams: 0,
    byServer: {},
    ok: 0,
    status500: 0,
    aborted: 0,
    unexpected: [],
  };
  const pool = new SessionPool(options.ports, options.sessionsPerServer, tally);
  let budget = options.streams;
  const worker = async () => {
    while (budget > 0) {
      const kind = pick();
      const server = HTTP2_SERVERS[Math.floor(random() * HTTP2_SERVERS.length)];
      const streams = STREAMS_PER_UNIT[kind] ?? 1;
      budget -= streams;
      tally.sent[kind] += streams;
      tally.streams += streams;
      tally.byServer[server] = (tally.byServer[server] ?? 0) + streams;
      await runUnit(kind, server, pool, tally);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  pool.close();
  return tally;
}

class SessionPool {
  private readonly sessions = new Map<string, http2.ClientHttp2Session>();
  private next = 0;

  constructor(
    private readonly ports: Record<Http2ServerName, number>,
    private readonly size: number,
    private readonly tally: Http2Tally
  ) {}

  /** One of the server's pooled sessions, round robin; a lost one is replaced (and counted as unexpected). */
  shared(server: Http2ServerName): http2.ClientHttp2Session {
    const key = `${server}#${this.next++ % this.size}`;
    const session = this.sessions.get(key);
    if (session !== undefined && !session.closed && !session.destroyed) return session;
    if (session !== undefined) this.tally.unexpected.push(`pooled session to ${server} lost`);
    const fresh = this.fresh(server);
    this.sessions.set(key, fresh);
    return fresh;
  }

  fresh(server: Http2ServerName): http2.ClientHttp2Session {
    const scheme = server.startsWith('h2-') ? 'https' : 'http';
    const session = http2.connect(`${scheme}://127.0.0.1:${this.ports[server]}`, { rejectUnauthorized: false });
    session.on('error', () => undefined);
    return session;
  }

  close(): void {
    for (const session of this.sessions.values()) session.close();
  }
}

interface StreamEnd {
  status: number | undefined;
  body: string;
  gotData: boolean;
}

/** One stream; `onData` is called on its first chunk (to reset it); resolves when it closes, however it ends. */
function exchange(
  session: http2.ClientHttp2Session,
  path: string,
  options: { body?: Buffer; onData?: (stream: http2.ClientHttp2Stream) => void } = {}
): Promise<StreamEnd> {
  return new Promise(resolve => {
    const stream = session.request(
      { ':path': path, ':method': options.body ? 'POST' : 'GET' },
      { endStream: !options.body }
    );
    const end: StreamEnd = { status: undefined, body: '', gotData: false };
    const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), SAFETY_TIMEOUT_MS);
    stream.on('response', headers => (end.status = headers[':status']));
    stream.on('data', chunk => {
      end.body += chunk;
      if (!end.gotData) options.onData?.(stream);
      end.gotData = true;
    });
    stream.on('error', () => undefined);
    stream.on('close', () => (clearTimeout(timer), resolve(end)));
    if (options.body) stream.end(options.body);
  });
}

/** Streams to /hold on a fresh session, resolved once each has its first chunk (so the server has seen them all). */
async function holdStreams(session: http2.ClientHttp2Session, count: number): Promise<Array<Promise<StreamEnd>>> {
  const held: Array<Promise<StreamEnd>> = [];
  const firstChunks: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    firstChunks.push(new Promise(gotData => held.push(exchange(session, '/hold', { onData: () => gotData() }))));
  }
  await Promise.race([Promise.all(firstChunks), Promise.all(held)]);
  return held;
}

async function runUnit(
  kind: Http2UnitKind,
  server: Http2ServerName,
  pool: SessionPool,
  tally: Http2Tally
): Promise<void> {
  const expect = (ok: boolean, what: string): boolean => {
    if (!ok) tally.unexpected.push(`${kind} on ${server}: ${what}`);
    return ok;
  };
  const answered = (end: StreamEnd, status: number, body: string) => {
    if (!expect(end.status === status && end.body === body, `got ${end.status} ${end.body.slice(0, 40)}`)) return;
    if (status === 200) tally.ok++;
    else tally.status500++;
  };
  switch (kind) {
    case 'ok':
      return answered(await exchange(pool.shared(server), '/ok'), 200, 'ok');
    case 'slow':
      return answered(await exchange(pool.shared(server), '/slow'), 200, 'slow');
    case 'stream':
      return answered(await exchange(pool.shared(server), '/stream'), 200, 'x'.repeat(8 * 1024));
    case 'upload':
      return answered(await exchange(pool.shared(server), '/upload', { body: UPLOAD }), 200, String(UPLOAD.length));
    case 'throw':
      return answered(await exchange(pool.shared(server), '/throw'), 500, 'thrown');
    case 'reject':
      return answered(await exchange(pool.shared(server), '/reject'), 500, 'rejected');
    case 'reset': {
      // RST_STREAM (CANCEL) once the response has begun.
      const end = await exchange(pool.shared(server), '/hold', {
        onData: stream => stream.close(http2.constants.NGHTTP2_CANCEL),
      });
      if (expect(end.gotData, 'no first chunk before the reset')) tally.aborted++;
      return;
    }
    case 'destroy': {
      const session = pool.fresh(server);
      const held = await holdStreams(session, HELD);
      session.destroy();
      const ends = await Promise.all(held);
      tally.aborted += ends.filter(end => expect(end.gotData, 'a held stream had no chunk')).length;
      return;
    }
    case 'goaway': {
      // The server answers /goaway with a GOAWAY (INTERNAL_ERROR) and destroys the session under its streams.
      const session = pool.fresh(server);
      const held = await holdStreams(session, HELD);
      const ends = await Promise.all([...held, exchange(session, '/goaway')]);
      expect(
        ends.every(end => end.status === undefined || end.body.length < 8 * 1024),
        'a cut stream finished'
      );
      tally.aborted += ends.length;
      session.destroy();
      return;
    }
    case 'close': {
      // A graceful GOAWAY (NO_ERROR): the stream in flight is still answered, then the session closes.
      const session = pool.fresh(server);
      const closed = new Promise(resolve => session.once('close', resolve));
      answered(await exchange(session, '/close'), 200, 'closed');
      session.close();
      await closed;
      return;
    }
  }
}
