import { describe } from './utils';
import type { ConnectOptions, Receiver, Signal } from './signal';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySignal = Signal<any, any>;
type KwargsOf<T> = T extends Signal<infer K, unknown> ? K : never;
type SenderOf<T> = T extends Signal<object, infer S> ? S : never;

/**
 * Django's `@receiver`: returns a function that connects `fn` to each signal
 * and hands `fn` back unchanged, so it wraps a function in place:
 *
 *     const logStart = receiver(requestStarted)((server, kw) => …);
 */
export function receiver<T extends AnySignal>(
  signals: T | readonly T[],
  options?: ConnectOptions<SenderOf<T>>
): <F extends Receiver<KwargsOf<T>, SenderOf<T>>>(fn: F) => F {
  const targets: readonly T[] = Array.isArray(signals) ? signals : [signals as T];
  targets.forEach(assertSignal);
  if (targets.length === 0) throw new TypeError('receiver() expects at least one signal, got an empty array');
  return fn => {
    for (const signal of targets) signal.connect(fn, options);
    return fn;
  };
}

function assertSignal(value: unknown, index: number): void {
  // Duck-typed so that a signal from another copy of this package passes.
  const connect = (value as AnySignal | null | undefined)?.connect;
  if (typeof connect !== 'function') {
    throw new TypeError(`receiver() expects signals, got ${describe(value)} at position ${index}`);
  }
}
