/*
 * How the instrumentation sends a request signal: robustly (a failing
 * receiver is logged, never thrown into the request), in the request's
 * context, timed for the slow-receiver warning and, with a MeterProvider,
 * for request_signals.receiver.duration.
 */
import { Attributes, context } from '@opentelemetry/api';
import type { RequestRecord } from './record';
import { ServerMetrics } from '../span/metrics';
import { needsToEnter } from './context';
import { RequestSender, gotRequestException, requestFinished, requestStarted } from '../signals/request-signals';
import type { FailureReporting } from '../signals/responses';
import type { ReceiverKwargs, ReceiverTimer, Signal } from '../signals/signal';

const SIGNAL_ATTRIBUTES = new Map<object, Attributes>([
  [requestStarted, ServerMetrics.signalAttributes('requestStarted')],
  [requestFinished, ServerMetrics.signalAttributes('requestFinished')],
  [gotRequestException, ServerMetrics.signalAttributes('gotRequestException')],
]);

export function dispatchSignal<K extends object>(
  record: RequestRecord,
  signal: Signal<K, RequestSender>,
  kwargs: ReceiverKwargs<K, RequestSender>,
  metrics: ServerMetrics,
  timer: ReceiverTimer | undefined,
  reporting: FailureReporting
): void {
  if (!needsToEnter(record)) return dispatchHere(record, signal, kwargs, metrics, timer, reporting);
  context.with(record.context, () => dispatchHere(record, signal, kwargs, metrics, timer, reporting));
}

function dispatchHere<K extends object>(
  record: RequestRecord,
  signal: Signal<K, RequestSender>,
  kwargs: ReceiverKwargs<K, RequestSender>,
  metrics: ServerMetrics,
  timer: ReceiverTimer | undefined,
  reporting: FailureReporting
): void {
  if (!metrics.recording || record.mode === 'ignored')
    return signal._notifyRobust(record.server, kwargs, reporting, timer);
  const startedAt = performance.now();
  signal._notifyRobust(record.server, kwargs, reporting, timer);
  metrics.receiversRan(SIGNAL_ATTRIBUTES.get(signal) ?? {}, performance.now() - startedAt);
}
