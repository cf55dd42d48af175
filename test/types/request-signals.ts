/*
 * Compile fixture (test/signal-types.test.ts): the request signals through
 * receiver() and connect(), with full kwargs types and the server as sender.
 * Every line here must compile.
 */
import * as http from 'http';
import * as https from 'https';
import type { Span } from '@opentelemetry/api';
import { gotRequestException, receiver, requestFinished, requestStarted } from '../../src';
import type { Environ, RequestSender } from '../../src';

const server = http.createServer();
const secureServer = https.createServer();

export const url = receiver(requestStarted)((_sender, kw) => kw.request.url);
export const path = receiver(requestStarted, { sender: server })((sender, { environ, span }) => {
  const listening: RequestSender = sender;
  const traceId: string = span.spanContext().traceId;
  return [listening, environ.PATH_INFO, environ.HTTP_X_FORWARDED_FOR, traceId];
});
export const secure = receiver(requestStarted, { sender: secureServer })((_sender, kw) => kw.environ.REMOTE_ADDR);
export const finished = receiver(requestFinished, { dispatchUid: 'finished', weak: false })(
  (_server, { aborted, durationMs, response }) => (aborted ? -1 : durationMs + response.statusCode)
);
export const failed = receiver(gotRequestException)((_server, { exception, signal }) => [
  exception,
  signal === gotRequestException,
]);
/** A receiver for several signals sees what they all carry. */
export const both = receiver([requestStarted, requestFinished])((_server, { request, span, signal }) => {
  const method: string | undefined = request.method;
  const active: Span = span;
  return [method, active, signal];
});

requestStarted.connect(
  (_server, { environ }) => {
    const wsgi: Environ = environ;
    return wsgi['wsgi.url_scheme'];
  },
  { sender: server }
);
requestFinished.disconnect(finished, { sender: server });

/** docs/http2.md: `instanceof` narrows the request to one class, for its own methods. */
export const http1Only = receiver(requestStarted)((_server, kw) => {
  if (!(kw.request instanceof http.IncomingMessage)) return undefined;
  const incoming: http.IncomingMessage = kw.request;
  return incoming.socket.remoteAddress;
});
