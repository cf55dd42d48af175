/*
 * The user's requestHook and responseHook, called fenced (a hook that throws
 * is logged, and the request goes on) with the request's span active.
 */
import { context } from '@opentelemetry/api';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
import type { RequestRecord } from './internal-types';

export type HookErrorLogger = (hook: string, error: Error) => void;

/** Once the span has started, before requestStarted; only for a span we own. */
export function callRequestHook(record: RequestRecord, logHookError: HookErrorLogger): void {
  const hook = record.config.options.requestHook;
  if (hook === undefined || !record.ownsSpan || record.ignored) return;
  context.with(record.context, () =>
    safeExecuteInTheMiddle(
      () => hook(record.span, record.request),
      error => error && logHookError('requestHook', error),
      true
    )
  );
}

/** When the response is done, before requestFinished and the span's end; only for a span we own. */
export function callResponseHook(record: RequestRecord, logHookError: HookErrorLogger): void {
  const hook = record.config.options.responseHook;
  if (hook === undefined || !record.ownsSpan || record.ignored) return;
  context.with(record.context, () =>
    safeExecuteInTheMiddle(
      () => hook(record.span, record.response),
      error => error && logHookError('responseHook', error),
      true
    )
  );
}
