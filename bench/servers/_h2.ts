/*
 * Shared by the HTTP/2 variants (bench/servers/h2-*.ts): an h2c server
 * (http2.createServer, no TLS) served in memory by _h2-in-memory-load.ts,
 * with the same driver protocol as the HTTP/1 servers (_common.ts).
 */
import * as http2 from 'http2';
import { ServeOptions, serve } from './_common';
import { loadH2InMemory } from './_h2-in-memory-load';

/** The compatibility API: a 'request' listener answering 'ok' (wrapped by `wrap`, as in serve()). */
export function serveH2(options: ServeOptions = {}): void {
  serve(http2, { ...options, load: loadH2InMemory });
}

function answerStream(stream: http2.ServerHttp2Stream): void {
  stream.respond({ ':status': 200 });
  stream.end('ok');
}

/** The core API: a 'stream' listener that responds and answers 'ok' itself (no variant wraps it). */
export function serveH2Streams(options: Pick<ServeOptions, 'instrumentations' | 'switchTo'> = {}): void {
  const createServer = () => {
    const server = http2.createServer();
    server.on('stream', answerStream);
    return server;
  };
  serve(http2, { ...options, load: loadH2InMemory, createServer });
}
