import type { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { Context, Span } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'http';
import type { Http2ServerRequest, Http2ServerResponse, ServerHttp2Stream } from 'http2';
import type { RequestSender, ServerRequest, ServerResponseOf } from '../signals/request-signals';

export type { ServerRequest };
export type ServerResponseLike = ServerResponseOf;

/** A request as a server emits it with 'request': HTTP/1, or HTTP/2's compatibility API. */
export type EmittedRequest = IncomingMessage | Http2ServerRequest;
export type EmittedResponse = ServerResponse | Http2ServerResponse;
import type { UrlScheme } from '../parsing/request-target';
import type { ResolvedConfig } from '../config/resolve-config';
import type { RequestMetricAttributes } from '../span/metrics';
import type { RequestSignalsInstrumentationConfig } from '../types';

/**
 * One request's state, from the first event to requestFinished. Kept in one
 * symbol-keyed slot on the request (records.ts says why not a WeakMap).
 */
export interface RequestRecord {
  readonly server: RequestSender;
  readonly request: ServerRequest;
  readonly response: ServerResponseLike;
  /** The HTTP/2 stream (both APIs); its own state tells whether the response was cut. */
  readonly stream: ServerHttp2Stream | undefined;
  readonly scheme: UrlScheme;
  /** The request target as it arrived, before any router rewrote request.url. */
  readonly url: string;
  readonly span: Span;
  /** The context receivers and listeners run in: the span is its active span. */
  readonly context: Context;
  /** How the request is treated, decided when it arrived. */
  readonly mode: RequestMode;
  /** The configuration in force when the request arrived. */
  readonly config: InstrumentationSettings;
  /** What the metrics need from the start, when this request counts in the metrics. */
  readonly metricAttributes: RequestMetricAttributes | undefined;
  readonly startTime: number;
  /** The lifecycle that opened the record: errors reported later, and the response's end, go through it. */
  readonly events: RequestEvents;
  /** The framework's route template, once a framework reported it. */
  route: string | undefined;
  /** Errors already reported, so each fires gotRequestException once. */
  reportedExceptions: unknown[] | undefined;
  finished: boolean;
}

/**
 * How a request is treated, decided once when it arrives:
 * - `own-span`: we started its SERVER span; receivers, listeners and hooks run in its context;
 * - `adopted-span`: another instrumentation (instrumentation-http) started the span, and ends it;
 * - `signals-only`: no TracerProvider: a shared non-recording span, and no context is entered;
 * - `ignored`: it matched ignoreIncomingRequest: a non-recording span, tracing suppressed under it, no metrics.
 */
export type RequestMode = 'own-span' | 'adopted-span' | 'signals-only' | 'ignored';

export interface RequestEvents {
  /** `ownerCannotSee`: record it even on a span another instrumentation owns. */
  exception(record: RequestRecord, exception: unknown, ownerCannotSee: boolean): void;
  /** The response closed: after it finished, or when the connection went first. */
  closed(record: RequestRecord): void;
}

/**
 * What a framework adapter contributes: require hooks for modules it must
 * patch, and subscriptions (diagnostics_channel) it opens on enable().
 * Adapters only report errors and routes through request-reporting.ts.
 */
export interface FrameworkAdapter {
  moduleDefinitions(): InstrumentationNodeModuleDefinition[];
  enable?(): void;
  disable?(): void;
}

/** The user's options and what resolveConfig() prepared from them, taken together per request. */
export interface InstrumentationSettings {
  readonly options: RequestSignalsInstrumentationConfig;
  readonly resolved: ResolvedConfig;
}
