/*
 * The three request signals. They live in a process-wide registry so that two
 * copies of this package (two versions in node_modules) share one instance of
 * each: a receiver connected through either copy hears every request once.
 */
import type { IncomingMessage, Server, ServerResponse } from 'http';
import type {
  Http2SecureServer,
  Http2Server,
  Http2ServerRequest,
  Http2ServerResponse,
  IncomingHttpHeaders,
  ServerHttp2Stream,
} from 'http2';
import type { Socket } from 'net';
import type { Span } from '@opentelemetry/api';
import { Signal } from './signal';

/** A WSGI (PEP 3333) style view of a request, as Django receivers know it. */
export interface Environ {
  REQUEST_METHOD: string;
  PATH_INFO: string;
  QUERY_STRING: string;
  SERVER_NAME: string;
  SERVER_PORT: string;
  SERVER_PROTOCOL: string;
  REMOTE_ADDR: string;
  REMOTE_PORT: string;
  CONTENT_TYPE?: string;
  CONTENT_LENGTH?: string;
  'wsgi.url_scheme': 'http' | 'https';
  [httpHeader: `HTTP_${string}`]: string;
}

/**
 * The request of a stream served by the HTTP/2 core API (a server with
 * 'stream' listeners and no 'request' listener), read from the stream's
 * pseudo-headers and headers: what receivers and hooks read of any request.
 */
export interface Http2StreamRequest {
  readonly stream: ServerHttp2Stream;
  /** Every header the stream arrived with, pseudo-headers (`:method`, `:path`, `:authority`, `:scheme`) included. */
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  /** `:method`. */
  readonly method: string | undefined;
  /** `:path`. */
  readonly url: string | undefined;
  readonly httpVersion: '2.0';
  /** The session's socket. */
  readonly socket: Socket | undefined;
}

/** The response of a stream served by the HTTP/2 core API, as the stream sent it. */
export interface Http2StreamResponse {
  readonly stream: ServerHttp2Stream;
  /** The `:status` sent, 200 until the stream responded. */
  readonly statusCode: number;
  readonly headersSent: boolean;
  /** A header given to stream.respond(). */
  getHeader(name: string): number | string | string[] | undefined;
}

/** A request the signals describe: HTTP/1, the HTTP/2 compatibility API, or a stream of the HTTP/2 core API. */
export type ServerRequest = IncomingMessage | Http2ServerRequest | Http2StreamRequest;

/** The response to a ServerRequest. */
export type ServerResponseOf = ServerResponse | Http2ServerResponse | Http2StreamResponse;

/** What every request signal carries. */
export interface RequestKwargs {
  /** `http.IncomingMessage`; `Http2ServerRequest` for the HTTP/2 compatibility API; an `Http2StreamRequest` for the core API. */
  request: ServerRequest;
  /** `http.ServerResponse`; `Http2ServerResponse`; an `Http2StreamResponse`. */
  response: ServerResponseOf;
  /**
   * The request target as it arrived (`/users/7?q=1`). Routers may rewrite
   * `request.url` while the request passes through them (Express strips mount
   * paths): this one never changes.
   */
  url: string;
  /** The HTTP/2 stream the request came on (both HTTP/2 APIs); undefined for HTTP/1. */
  stream: ServerHttp2Stream | undefined;
  /** The request's SERVER span (non-recording without a tracer provider). */
  span: Span;
}

export interface RequestStartedKwargs extends RequestKwargs {
  /** Built on first read, so receivers that never read it cost nothing. */
  readonly environ: Environ;
}

export interface RequestFinishedKwargs extends RequestKwargs {
  /** The client went away before the response finished. */
  aborted: boolean;
  /** Milliseconds from requestStarted to requestFinished. */
  durationMs: number;
}

export interface GotRequestExceptionKwargs extends RequestKwargs {
  exception: unknown;
}

/** The sender of every request signal: the server that received the request. */
export type RequestSender = Server | Http2Server | Http2SecureServer;

const REGISTRY_KEY = Symbol.for('otel-request-signals.request-signals.v1');

interface RequestSignalRegistry {
  requestStarted: Signal<RequestStartedKwargs, RequestSender>;
  requestFinished: Signal<RequestFinishedKwargs, RequestSender>;
  gotRequestException: Signal<GotRequestExceptionKwargs, RequestSender>;
}

function sharedRegistry(): RequestSignalRegistry {
  const holder = globalThis as { [REGISTRY_KEY]?: RequestSignalRegistry };
  holder[REGISTRY_KEY] ??= {
    requestStarted: new Signal(),
    requestFinished: new Signal(),
    gotRequestException: new Signal(),
  };
  return holder[REGISTRY_KEY];
}

const registry = sharedRegistry();

/** Sent before the application's request listener runs (Django's `request_started`). */
export const requestStarted = registry.requestStarted;
/** Sent once per request, when the response finished or the connection closed (`request_finished`). */
export const requestFinished = registry.requestFinished;
/** Sent once per error a request raised (`got_request_exception`). */
export const gotRequestException = registry.gotRequestException;
