'use strict';
/*
 * Shared by the HTTP/2 variants (bench/servers/h2-*.js): an h2c server
 * (http2.createServer, no TLS) served in memory by _h2-in-memory-load.js,
 * with the same driver protocol as the HTTP/1 servers (_common.js).
 */
const http2 = require('http2');
const { serve } = require('./_common');
const { loadH2InMemory } = require('./_h2-in-memory-load');

/** The compatibility API: a 'request' listener answering 'ok' (wrapped by `wrap`, as in serve()). */
function serveH2(options = {}) {
  serve(http2, Object.assign({}, options, { load: loadH2InMemory }));
}

function answerStream(stream) {
  stream.respond({ ':status': 200 });
  stream.end('ok');
}

/** The core API: a 'stream' listener that responds and answers 'ok' itself. */
function serveH2Streams(options = {}) {
  const createServer = wrap => {
    const server = http2.createServer();
    server.on('stream', wrap(answerStream));
    return server;
  };
  serve(http2, Object.assign({}, options, { load: loadH2InMemory, createServer }));
}

module.exports = { serveH2, serveH2Streams };
