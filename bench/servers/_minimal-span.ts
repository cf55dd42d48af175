/*
 * The least a SERVER span can cost, written by hand: extract the parent,
 * start a span with the request's attributes, run the listener in its
 * context, end the span on 'finish'. Used by minimal-span.ts and by
 * bench/same-process-ratio.ts (which also gives it the conventions' set).
 */
import { Attributes, ROOT_CONTEXT, SpanKind, Tracer, context, propagation, trace } from '@opentelemetry/api';

/** What the span reads of a request: http's IncomingMessage, or http2's compatibility request. */
export interface SpanRequest {
  method?: string;
  url?: string;
  httpVersion: string;
  headers: NodeJS.Dict<string | string[]>;
  socket: { localAddress?: string; localPort?: number; remoteAddress?: string; remotePort?: number };
}

/** What the span needs of the response: its end, and the status code then. */
export interface SpanResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

export type Listener<Req, Res> = (this: unknown, request: Req, response: Res) => void;

export interface MinimalSpanOptions {
  attributesOf?: (request: SpanRequest) => Attributes;
  statusAtEnd?: boolean;
  isTracing?: () => boolean;
}

/** The six attributes of the minimal span. */
export function sixAttributes(request: SpanRequest): Attributes {
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
 * HTTP/2 has `:authority` instead of Host. A server's request always has a URL, and the bench's one of the two.
 */
export function elevenAttributes(request: SpanRequest): Attributes {
  const [path, query] = request.url!.split('?');
  const [address, port] = ((request.headers.host ?? request.headers[':authority']) as string).split(':');
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
 * A server's request always has a method.
 */
export function withMinimalSpan<Req extends SpanRequest, Res extends SpanResponse>(
  tracer: Tracer,
  listener: Listener<Req, Res>,
  { attributesOf = sixAttributes, statusAtEnd = false, isTracing = () => true }: MinimalSpanOptions = {}
): Listener<Req, Res> {
  return function tracedListener(request, response) {
    if (!isTracing()) return listener.call(this, request, response);
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      request.method!,
      { kind: SpanKind.SERVER, attributes: attributesOf(request) },
      parent
    );
    response.once('finish', () => {
      if (statusAtEnd) span.setAttribute('http.response.status_code', response.statusCode);
      span.end();
    });
    return context.with(trace.setSpan(parent, span), listener, this, request, response);
  };
}
