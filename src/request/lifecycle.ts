/*
 * What happens to a request once its record is open: requestStarted, every
 * error it raises, and its end (requestFinished, then the span and the
 * metrics). One per instrumentation instance; each record points to the
 * lifecycle that opened it, so that errors frameworks report later, and the
 * response's 'close', reach it.
 */
import type { DiagLogger } from '@opentelemetry/api';
import type { ServerResponse } from 'http';
import type { FenceReporter } from '../safety/fence';
import type { RequestSender } from '../signals/request-signals';
import type { FailureReporting } from '../signals/responses';
import { gotRequestException, requestFinished, requestStarted } from '../signals/request-signals';
import type { ReceiverKwargs, ReceiverTimer, Signal } from '../signals/signal';
import type { ServerMetrics } from '../span/metrics';
import { responseAborted, streamAborted } from './aborted';
import { dispatchSignal } from './dispatch';
import { callResponseHook } from './hooks';
import { StartedKwargs, exceptionKwargs, finishedKwargs } from './kwargs';
import type { RequestEvents, RequestRecord } from './record';
import { recordOf } from './records';
import { endServerSpan, recordException } from './server-span';

export class RequestLifecycle implements RequestEvents {
  /** Replaced when a MeterProvider is set. */
  metrics: ServerMetrics;
  /** Replaced by setConfig(): the slow-receiver timer, when a threshold is set. */
  timer: ReceiverTimer | undefined;

  /** Receivers' failures go to the instrumentation's logger, like everything a request logs. */
  private readonly failures: FailureReporting;

  constructor(
    metrics: ServerMetrics,
    private readonly diag: () => DiagLogger
  ) {
    this.metrics = metrics;
    this.failures = {
      where: 'a request signal',
      get logger() {
        return diag();
      },
    };
  }

  /* Fires before the listeners run, with the span active. */
  started(record: RequestRecord): void {
    if (!requestStarted._mayHaveReceivers(record.server)) return;
    this.dispatch(record, requestStarted, new StartedKwargs(requestStarted, record));
  }

  /*
   * Fires once per error: a listener's synchronous throw, its promise's
   * rejection, or an error a framework reported. Records it on the span we
   * own; on an adopted span, only what its owner cannot see (rejections).
   */
  exception(record: RequestRecord, exception: unknown, ownerCannotSee: boolean): void {
    const reported = (record.reportedExceptions ??= []);
    if (reported.includes(exception)) return;
    reported.push(exception);
    try {
      if (gotRequestException._mayHaveReceivers(record.server)) {
        this.dispatch(record, gotRequestException, exceptionKwargs(gotRequestException, record, exception));
      }
      if ((record.mode !== 'adopted-span' || ownerCannotSee) && !record.finished)
        recordException(record.span, exception);
    } catch (failure) {
      // Whatever went wrong here, the app's own error goes on as it would without us.
      this.logInternalError('recording an exception', failure);
    }
  }

  /* Fires when the response closed: after it finished, or when the connection went first. */
  closed(record: RequestRecord): void {
    if (record.finished) return;
    const aborted =
      record.stream !== undefined ? streamAborted(record.stream) : responseAborted(record.response as ServerResponse);
    const durationMs = performance.now() - record.startTime;
    callResponseHook(record, this.logHookError);
    this.finished(record, aborted, durationMs);
    record.finished = true;
    this.endSpanAndMetrics(record, aborted, durationMs);
  }

  /** A request listener's promise rejected: the app's own code failed, where no owner of the span can see it. */
  readonly onListenerRejection = (request: unknown, error: unknown): void => {
    const record = recordOf(request as object);
    if (record !== undefined) this.exception(record, error, true);
  };

  readonly logHookError: FenceReporter = (name, thrown) => {
    this.diag().error(`${name} threw; the request goes on`, thrown);
  };

  /* Fires exactly once per request, while the span is still open. */
  private finished(record: RequestRecord, aborted: boolean, durationMs: number): void {
    if (!requestFinished._mayHaveReceivers(record.server)) return;
    this.dispatch(record, requestFinished, finishedKwargs(requestFinished, record, aborted, durationMs));
  }

  /** Ends the span we own; skips the response's attributes when neither the span nor the metrics want them. */
  private endSpanAndMetrics(record: RequestRecord, aborted: boolean, durationMs: number): void {
    const metricAttributes = record.metricAttributes;
    if (record.mode === 'adopted-span' || record.mode === 'ignored') return;
    if (metricAttributes === undefined && !record.span.isRecording()) return;
    const endAttributes = endServerSpan(record, aborted, this.logHookError);
    if (metricAttributes !== undefined) this.metrics.requestEnded(metricAttributes, endAttributes, durationMs);
  }

  private dispatch<K extends object>(
    record: RequestRecord,
    signal: Signal<K, RequestSender>,
    kwargs: ReceiverKwargs<K, RequestSender>
  ): void {
    dispatchSignal(record, signal, kwargs, this.metrics, this.timer, this.failures);
  }

  private logInternalError(what: string, failure: unknown): void {
    try {
      this.diag().error(`${what} failed; the request goes on`, failure);
    } catch {
      // A diag logger that throws: nothing left to tell.
    }
  }
}
