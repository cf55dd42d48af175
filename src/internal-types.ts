import type { Context, Span } from '@opentelemetry/api';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import type { UrlScheme } from './attributes';

/**
 * One request's state, from the first event to requestFinished. Kept in a
 * WeakMap keyed by the request: nothing is attached to the user's objects.
 */
export interface RequestRecord {
  readonly server: Server;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly scheme: UrlScheme;
  readonly span: Span;
  /** The context receivers and listeners run in: the span is its active span. */
  readonly context: Context;
  /** False when another instrumentation (instrumentation-http) started the span and will end it. */
  readonly ownsSpan: boolean;
  readonly startTime: number;
  /** Errors already reported, so each fires gotRequestException once. */
  reportedExceptions: unknown[] | undefined;
  finished: boolean;
}
