/*
 * The kwargs objects the instrumentation sends. They are built only when a
 * signal has receivers, and `environ` only when a receiver reads it.
 */
import type { Span } from '@opentelemetry/api';
import type { ServerHttp2Stream } from 'http2';
import type {
  Environ,
  GotRequestExceptionKwargs,
  RequestFinishedKwargs,
  RequestSender,
  RequestStartedKwargs,
  ServerRequest,
  ServerResponseOf,
} from '../signals/request-signals';
import type { ReceiverKwargs, Signal } from '../signals/signal';
import type { RequestRecord } from './record';
import { buildEnviron } from '../signals/environ';

export class StartedKwargs implements ReceiverKwargs<RequestStartedKwargs, RequestSender> {
  readonly request: ServerRequest;
  readonly response: ServerResponseOf;
  readonly url: string;
  readonly stream: ServerHttp2Stream | undefined;
  readonly span: Span;
  private builtEnviron: Environ | undefined;

  constructor(
    readonly signal: Signal<RequestStartedKwargs, RequestSender>,
    private readonly record: RequestRecord
  ) {
    this.request = record.request;
    this.response = record.response;
    this.url = record.url;
    this.stream = record.stream;
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
  const { request, response, url, stream, span } = record;
  return { request, response, url, stream, span, aborted, durationMs, signal };
}

export function exceptionKwargs(
  signal: Signal<GotRequestExceptionKwargs, RequestSender>,
  record: RequestRecord,
  exception: unknown
): ReceiverKwargs<GotRequestExceptionKwargs, RequestSender> {
  const { request, response, url, stream, span } = record;
  return { request, response, url, stream, span, exception, signal };
}
