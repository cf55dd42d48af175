'use strict';
// The example service: a plain `http` server. It knows nothing about the
// signals; it only opens a child span here and there to show that the
// request's SERVER span is active inside the handlers.
//
//   /             200
//   /boom         throws synchronously
//   /async-boom   an async handler that rejects (Node answers 500)
//   /slow         streams slowly; the demo client aborts it
//   anything else 404
const events = require('events');
const http = require('http');
const http2 = require('http2');
const { trace } = require('@opentelemetry/api');

const tracer = trace.getTracer('signals-demo-app');
const say = text => console.log(`  [app] ${text}`);

class OrderLookupError extends Error {
  name = 'OrderLookupError';
}

const routes = {
  '/'(_request, response) {
    tracer.startActiveSpan('render home', span => {
      response.end('hello\n');
      span.end();
    });
  },

  '/boom'() {
    throw new Error('boom');
  },

  async '/async-boom'() {
    await tracer.startActiveSpan('query orders', async span => {
      await new Promise(resolve => setTimeout(resolve, 5));
      span.end();
    });
    throw new OrderLookupError('order service unavailable');
  },

  '/slow'(_request, response) {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('working');
    const timer = setTimeout(() => response.end('...done\n'), 2000);
    response.on('close', () => clearTimeout(timer));
  },
};

function notFound(_request, response) {
  response.writeHead(404).end('not found\n');
}

/** Not async: a synchronous throw must leave the listener as a throw, an async handler's promise as a promise. */
function onRequest(request, response) {
  const route = routes[new URL(request.url, 'http://app').pathname] ?? notFound;
  return route(request, response);
}

function createApp() {
  // Node 20's http.createServer has no per-server `captureRejections` option,
  // so turn the default on for this one server only. With it, a rejected
  // handler promise makes Node answer 500 instead of an unhandled rejection.
  const previous = events.captureRejections;
  events.captureRejections = true;
  const server = http.createServer(onRequest);
  events.captureRejections = previous;

  // What /boom's throw reaches. It cannot answer the request: it does not
  // know which one failed. (A real service should log and exit here.)
  process.on('uncaughtException', error => {
    say(`uncaughtException handler got "${error.message}"; it cannot answer the request`);
  });
  return server;
}

/** The same handlers behind an HTTP/2 server (h2c, Node's compatibility API). */
function createHttp2App() {
  return http2.createServer(onRequest);
}

module.exports = { createApp, createHttp2App };
