'use strict';
/*
 * The least a SERVER span can cost, written by hand: extract the parent,
 * start a span with the request's attributes, run the listener in its
 * context, end the span on 'finish'. Used by minimal-span.js and by
 * bench/same-process-ratio.js (which also gives it the conventions' set).
 */
const { ROOT_CONTEXT, SpanKind, context, propagation, trace } = require('@opentelemetry/api');

/** The six attributes of the minimal span. */
function sixAttributes(request) {
  return {
    'http.request.method': request.method,
    'url.scheme': 'http',
    'url.path': request.url,
    'server.address': request.socket.localAddress,
    'server.port': request.socket.localPort,
    'network.peer.address': request.socket.remoteAddress,
  };
}

/**
 * The eleven the stable HTTP conventions ask for on the bench's request, as we set them (no redaction or caps).
 * HTTP/2 has `:authority` instead of Host.
 */
function elevenAttributes(request) {
  const [path, query] = request.url.split('?');
  const [address, port] = (request.headers.host ?? request.headers[':authority']).split(':');
  return {
    'http.request.method': request.method,
    'url.scheme': 'http',
    'url.path': path,
    'url.query': query,
    'server.address': address,
    'server.port': Number(port),
    'client.address': request.socket.remoteAddress,
    'network.peer.address': request.socket.remoteAddress,
    'network.peer.port': request.socket.remotePort,
    'network.protocol.version': request.httpVersion,
    'user_agent.original': request.headers['user-agent'],
  };
}

/**
 * `listener` wrapped in a minimal span with `attributesOf(request)`, while
 * `isTracing()`; with `statusAtEnd`, the status code is set before the end.
 */
function withMinimalSpan(tracer, listener, { attributesOf = sixAttributes, statusAtEnd = false, isTracing = () => true } = {}) {
  return function tracedListener(request, response) {
    if (!isTracing()) return listener.call(this, request, response);
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(request.method, { kind: SpanKind.SERVER, attributes: attributesOf(request) }, parent);
    response.once('finish', () => {
      if (statusAtEnd) span.setAttribute('http.response.status_code', response.statusCode);
      span.end();
    });
    return context.with(trace.setSpan(parent, span), listener, this, request, response);
  };
}

module.exports = { elevenAttributes, sixAttributes, withMinimalSpan };
