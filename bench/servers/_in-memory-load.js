'use strict';
/*
 * Drives a server without the network: requests are written into a Duplex
 * stream handed to the server as a connection, so Node's real HTTP parser,
 * IncomingMessage, ServerResponse and event order all run, but no syscall
 * and no client process competes for the CPU. One keep-alive connection,
 * one request in flight: the next is pushed on the turn of the event loop
 * after the response ends (sooner would make it a pipelined request).
 */
const { Duplex } = require('stream');

const REQUEST = Buffer.from(
  'GET /items/42?page=2 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n'
);

class InMemorySocket extends Duplex {
  constructor(onResponseEnd) {
    super();
    this.onResponseEnd = onResponseEnd;
    this.remoteAddress = '127.0.0.1';
    this.remotePort = 54321;
    this.remoteFamily = 'IPv4';
    this.localAddress = '127.0.0.1';
    this.localPort = 8080;
    this.encrypted = undefined;
  }
  _read() {}
  _write(chunk, _encoding, callback) {
    callback();
    // 'ok' answers end with the body; a chunked or empty body would need parsing.
    if (chunk.length >= 2 && chunk[chunk.length - 2] === 0x6f && chunk[chunk.length - 1] === 0x6b) this.onResponseEnd();
  }
  _writev(chunks, callback) {
    this._write(Buffer.concat(chunks.map(c => c.chunk)), null, callback);
  }
  setTimeout() { return this; }
  setNoDelay() { return this; }
  setKeepAlive() { return this; }
  ref() { return this; }
  unref() { return this; }
}

/** Serves `count` requests through `server` in memory, one after the other. */
function loadInMemory(server, count) {
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

module.exports = { loadInMemory };
