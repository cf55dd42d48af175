/*
 * Keys of a configuration that name no option: a misspelt one, most likely.
 * Warned about rather than refused, as every OpenTelemetry instrumentation
 * accepts keys it does not know; on console.warn while no diag logger is
 * registered (safety/never-silent.ts), so that a typo is never silent.
 */
import { DiagLogger, diag } from '@opentelemetry/api';
import { logNeverSilently } from '../safety/never-silent';
import type { RequestSignalsInstrumentationConfig } from '../types';
import { PACKAGE_NAME } from '../version';

/* Every option's name; the compiler keeps it complete. */
const OPTION_NAMES: Record<keyof RequestSignalsInstrumentationConfig, true> = {
  enabled: true,
  ignoreIncomingRequest: true,
  signalsForIgnored: true,
  startIncomingSpanHook: true,
  requestHook: true,
  responseHook: true,
  spanNameHook: true,
  slowReceiverThresholdMs: true,
  redactedQueryParams: true,
  headersToSpanAttributes: true,
  allowSensitiveHeaders: true,
  maxAttributeValueLength: true,
  trustProxyHeaders: true,
};

/** `logger` is undefined during InstrumentationBase's constructor: then one over diag, under our name. */
export function warnAboutUnknownOptions(config: object, logger: DiagLogger | undefined): void {
  const unknown = Object.keys(config).filter(key => !Object.prototype.hasOwnProperty.call(OPTION_NAMES, key));
  if (unknown.length === 0) return;
  const message = `ignoring unknown option(s) ${unknown.join(', ')}; see RequestSignalsInstrumentationConfig`;
  logNeverSilently('warn', logger ?? diag.createComponentLogger({ namespace: PACKAGE_NAME }), message);
}
