/*
 * The user's requestHook and responseHook, called fenced (a hook that throws
 * is logged, and the request goes on) with the request's span active, and
 * only for a span we own.
 */
import { Span, context } from '@opentelemetry/api';
import { FenceReporter, callFenced } from '../safety/fence';
import type { RequestRecord } from './record';

/** Once the span has started, before requestStarted. */
export function callRequestHook(record: RequestRecord, report: FenceReporter): void {
  callHook(record, 'requestHook', record.config.options.requestHook, record.request, report);
}

/** When the response is done, before requestFinished and the span's end. */
export function callResponseHook(record: RequestRecord, report: FenceReporter): void {
  callHook(record, 'responseHook', record.config.options.responseHook, record.response, report);
}

function callHook<T>(
  record: RequestRecord,
  name: string,
  hook: ((span: Span, target: T) => void) | undefined,
  target: T,
  report: FenceReporter
): void {
  if (hook === undefined || record.mode === 'adopted-span' || record.mode === 'ignored') return;
  context.with(record.context, () => callFenced(name, () => hook(record.span, target), report, undefined));
}
