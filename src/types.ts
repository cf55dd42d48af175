import type { Attributes, Span } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { ServerRequest, ServerResponseOf } from './signals/request-signals';

/** A request to leave untraced: a predicate, an exact path, a RegExp tested against the path, or a list of these. */
export type IgnoreMatcher = string | RegExp | ((request: ServerRequest) => boolean);

/** What `spanNameHook` is told about a finished request. */
export interface SpanNameInfo {
  request: ServerRequest;
  response: ServerResponseOf;
  /** The name the span would get: `{method}` or `{method} {route}`. */
  defaultName: string;
  route: string | undefined;
}

/** Extra attributes for the span, computed before it starts (so samplers see them). */
export type StartIncomingSpanHook = (request: ServerRequest) => Attributes;

/** Called once the span has started, with the span active, before requestStarted. */
export type RequestHook = (span: Span, request: ServerRequest) => void;

/** Called when the response is done (finished or aborted), before requestFinished and before the span ends. */
export type ResponseHook = (span: Span, response: ServerResponseOf) => void;

/** Names the span when the request is done; return undefined to keep the default. */
export type SpanNameHook = (info: SpanNameInfo) => string | undefined;

/** Options of `RequestSignalsInstrumentation`. */
export interface RequestSignalsInstrumentationConfig extends InstrumentationConfig {
  /** Requests to leave untraced (health checks, metrics endpoints): no span, no metric, tracing suppressed under them. */
  ignoreIncomingRequest?: IgnoreMatcher | IgnoreMatcher[];
  /** Whether the signals still fire for ignored requests (default true: Django fires them for every request). */
  signalsForIgnored?: boolean;
  /** Extra attributes for the span, computed before it starts (so samplers see them). */
  startIncomingSpanHook?: StartIncomingSpanHook;
  /** Called once the span has started, before requestStarted. */
  requestHook?: RequestHook;
  /** Called when the response is done (finished or aborted), before requestFinished and before the span ends. */
  responseHook?: ResponseHook;
  /** Names the span when the request is done; return undefined to keep the default. */
  spanNameHook?: SpanNameHook;
  /** Warn through `diag`, once per receiver, when a receiver runs longer than this (off by default). */
  slowReceiverThresholdMs?: number;
  /** Query keys whose values are recorded as REDACTED in `url.query` (case-insensitive; replaces the default list). */
  redactedQueryParams?: string[];
  /** Headers recorded as `http.request.header.<name>` / `http.response.header.<name>` (none by default). */
  headersToSpanAttributes?: { request?: string[]; response?: string[] };
  /** Sensitive headers (authorization, cookie, set-cookie, proxy-authorization) to record as sent, when listed. */
  allowSensitiveHeaders?: string[];
  /** String attribute values longer than this are cut (default 4096 characters). */
  maxAttributeValueLength?: number;
  /** Take client.address, server.address/port and url.scheme from Forwarded / X-Forwarded-* headers (default true). */
  trustProxyHeaders?: boolean;
}
