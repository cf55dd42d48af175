import type { DiagLogger } from '@opentelemetry/api';
import type { ReceiverTimer } from './signal';
import { describe, receiverName } from '../safety/foreign-values';

/**
 * Warns once per receiver when one runs longer than the threshold: a
 * receiver that blocks delays every response, and this names the culprit.
 */
export class ReceiverTiming {
  private readonly warned = new WeakSet<object>();
  readonly timer: ReceiverTimer;

  private constructor(
    private readonly thresholdMs: number,
    private readonly logger: () => DiagLogger
  ) {
    this.timer = (receiver, durationMs) => this.check(receiver, durationMs);
  }

  /** Undefined (no timing at all) unless a threshold is set. */
  static fromThreshold(thresholdMs: unknown, logger: () => DiagLogger): ReceiverTiming | undefined {
    if (thresholdMs === undefined) return undefined;
    if (typeof thresholdMs !== 'number' || !(thresholdMs >= 0)) {
      throw new TypeError(
        `slowReceiverThresholdMs must be a non-negative number of milliseconds, got ${describe(thresholdMs)}`
      );
    }
    return new ReceiverTiming(thresholdMs, logger);
  }

  private check(receiver: object & { name?: string }, durationMs: number): void {
    if (durationMs <= this.thresholdMs || this.warned.has(receiver)) return;
    this.warned.add(receiver);
    this.logger().warn(
      `slow request-signal receiver ${receiverName(receiver)} took ${durationMs.toFixed(1)} ms ` +
        `(slowReceiverThresholdMs is ${this.thresholdMs}); it delays every response`
    );
  }
}
