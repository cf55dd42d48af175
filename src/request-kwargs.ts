/*
 * The kwargs objects the instrumentation sends. They are built only when a
 * signal has receivers, and `environ` only when a receiver reads it.
 */
import type { Span } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'http';
import type {
  Environ,
  GotRequestExceptionKwargs,
  RequestFinishedKwargs,
  RequestSender,
  RequestStartedKwargs,
} from './request-signals';
import type { ReceiverKwargs, Signal } from './signal';
import type { RequestRecord } from './internal-types';
import { buildEnviron } from './environ';

export class StartedKwargs implements ReceiverKwargs<RequestStartedKwargs, RequestSender> {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly span: Span;
  private builtEnviron: Environ | undefined;

  constructor(
    readonly signal: Signal<RequestStartedKwargs, RequestSender>,
    private readonly record: RequestRecord
  ) {
    this.request = record.request;
    this.response = record.response;
    this.span = record.span;
  }

  get environ(): Environ {
    this.builtEnviron ??= buildEnviron(this.record.request, this.record.scheme);
    return this.builtEnviron;
  }
}

export function finishedKwargs(
  signal: Signal<RequestFinishedKwargs, RequestSender>,
  record: RequestRecord,
  aborted: boolean,
  durationMs: number
): ReceiverKwargs<RequestFinishedKwargs, RequestSender> {
  const { request, response, span } = record;
  return { request, response, span, aborted, durationMs, signal };
}

export function exceptionKwargs(
  signal: Signal<GotRequestExceptionKwargs, RequestSender>,
  record: RequestRecord,
  exception: unknown
): ReceiverKwargs<GotRequestExceptionKwargs, RequestSender> {
  const { request, response, span } = record;
  return { request, response, span, exception, signal };
}
