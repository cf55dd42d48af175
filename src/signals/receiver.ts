import { describe } from '../safety/foreign-values';
import type { ConnectOptions, ReceiverKwargs, Signal } from './signal';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any signal: Signal<unknown, unknown> would not match one with concrete types
type AnySignal = Signal<any, any>;

/*
 * A signal's kwargs and sender types, read off its `send` method rather than
 * matched against Signal<infer K, infer S>: in the emitted declarations the
 * class's variance is not what it is in the sources, and that match gave
 * `never` for any signal with a concrete sender type (the request signals).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the rest of send()'s parameters, whatever their types
type SenderOf<T> = T extends { send(sender: infer S, ...rest: any[]): unknown } ? S : never;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever the sender's type
type KwargsOf<T> = T extends { send(sender: any, kwargs?: infer K): unknown } ? Exclude<K, undefined> : never;
/** What a receiver of every signal in `T` (one signal, or a union of several) is called with. */
type ReceiverKwargsOf<T> = T extends AnySignal ? ReceiverKwargs<KwargsOf<T> & object, SenderOf<T>> : never;

/** A function that can be connected to every signal in `T`: it accepts what any of them sends. */
type ReceiverFor<T> = (sender: SenderOf<T>, kwargs: ReceiverKwargsOf<T>) => unknown;

/**
 * Django's `@receiver`: returns a function that connects `fn` to each signal
 * and hands `fn` back unchanged, so it wraps a function in place:
 *
 *     const logStart = receiver(requestStarted)((server, kw) => …);
 */
export function receiver<T extends AnySignal>(
  signals: T | readonly T[],
  options?: ConnectOptions<SenderOf<T>>
): <F extends ReceiverFor<T>>(fn: F) => F {
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
  const connect = (value as { connect?: unknown } | null | undefined)?.connect;
  if (typeof connect !== 'function') {
    throw new TypeError(`receiver() expects signals, got ${describe(value)} at position ${index}`);
  }
}
