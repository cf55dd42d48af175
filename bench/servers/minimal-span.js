'use strict';
// The least a SERVER span can cost: a hand-written listener wrapper that
// extracts the parent, starts a span with six attributes, runs the listener
// in its context and ends the span on 'finish'. Same SDK setup.
const { ROOT_CONTEXT, SpanKind, context, propagation, trace } = require('@opentelemetry/api');
const { serve, setUpSdk } = require('./_common');

const tracer = setUpSdk().getTracer('minimal-span');

let tracing = true;

function withSpan(listener) {
  return function tracedListener(request, response) {
    if (!tracing) return listener.call(this, request, response);
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.scheme': 'http',
          'url.path': request.url,
          'server.address': request.socket.localAddress,
          'server.port': request.socket.localPort,
          'network.peer.address': request.socket.remoteAddress,
        },
      },
      parent
    );
    response.once('finish', () => span.end());
    return context.with(trace.setSpan(parent, span), listener, this, request, response);
  };
}

serve(require('http'), { wrap: withSpan, switchTo: on => (tracing = on) });
