/*
 * The user's requestHook and responseHook, called fenced (a hook that throws
 * is logged, and the request goes on) with the request's span active, and
 * only for a span we own.
 */
import { Span, context } from '@opentelemetry/api';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
import type { RequestRecord } from './internal-types';

export type HookErrorLogger = (hook: string, error: Error) => void;

/** Once the span has started, before requestStarted. */
export function callRequestHook(record: RequestRecord, logHookError: HookErrorLogger): void {
  callHook(record, 'requestHook', record.config.options.requestHook, record.request, logHookError);
}

/** When the response is done, before requestFinished and the span's end. */
export function callResponseHook(record: RequestRecord, logHookError: HookErrorLogger): void {
  callHook(record, 'responseHook', record.config.options.responseHook, record.response, logHookError);
}

function callHook<T>(
  record: RequestRecord,
  name: string,
  hook: ((span: Span, target: T) => void) | undefined,
  target: T,
  logHookError: HookErrorLogger
): void {
  if (hook === undefined || !record.ownsSpan || record.ignored) return;
  context.with(record.context, () =>
    safeExecuteInTheMiddle(
      () => hook(record.span, target),
      error => error && logHookError(name, error),
      true
    )
  );
}
