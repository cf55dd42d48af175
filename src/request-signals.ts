/*
 * The three request signals. They live in a process-wide registry so that two
 * copies of this package (two versions in node_modules) share one instance of
 * each: a receiver connected through either copy hears every request once.
 */
import type { IncomingMessage, Server, ServerResponse } from 'http';
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

/** What every request signal carries. */
export interface RequestKwargs {
  request: IncomingMessage;
  response: ServerResponse;
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
export type RequestSender = Server;

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
