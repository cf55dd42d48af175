import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Options of `RequestSignalsInstrumentation`. */
export interface RequestSignalsInstrumentationConfig extends InstrumentationConfig {
  /** Warn through `diag`, once per receiver, when a receiver runs longer than this (off by default). */
  slowReceiverThresholdMs?: number;
}
