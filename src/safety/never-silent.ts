/*
 * Where a failure the user must see goes: through `logger` (diag, or a
 * component logger over it) once a diag logger is registered, else on the
 * console, after the package's name. NodeSDK registers no diag logger unless
 * OTEL_LOG_LEVEL is set, and a silent failure is the worst outcome.
 */
import type { DiagLogger } from '@opentelemetry/api';
import { diagLoggerRegistered } from '../internals/node-and-opentelemetry';
import { PACKAGE_NAME } from '../version';

export function logNeverSilently(
  level: 'error' | 'warn',
  logger: DiagLogger,
  message: string,
  ...details: unknown[]
): void {
  if (diagLoggerRegistered()) logger[level](message, ...details);
  else console[level](`${PACKAGE_NAME}: ${message}`, ...details);
}
