import { Span, trace } from '@opentelemetry/api';
import type { Signal } from '../../src/signals/signal';

export interface Heard<K> {
  sender: unknown;
  kwargs: K;
  activeSpan: Span | undefined;
}

const connected: Array<() => void> = [];

/** Connects a receiver that remembers each call; `disconnectAll` undoes every one. */
export function record<K extends object, S>(signal: Signal<K, S>, onCall?: (kwargs: K) => void): Array<Heard<K>> {
  const heard: Array<Heard<K>> = [];
  const receiver = (sender: S, kwargs: K) => {
    heard.push({ sender, kwargs, activeSpan: trace.getActiveSpan() });
    onCall?.(kwargs);
  };
  signal.connect(receiver);
  connected.push(() => signal.disconnect(receiver));
  return heard;
}

/** Connects any receiver for the current test. */
export function connectForTest<K extends object, S>(
  signal: Signal<K, S>,
  receiver: (sender: S, kwargs: K) => unknown
): void {
  signal.connect(receiver);
  connected.push(() => signal.disconnect(receiver));
}

export function disconnectAll(): void {
  for (const disconnect of connected.splice(0)) disconnect();
}

/** Resolves once `heard` has `count` entries (signals fire a tick after the client sees the answer); fails after 5 s. */
export async function waitForCount(heard: unknown[], count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (heard.length < count && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 5));
  if (heard.length !== count) throw new Error(`expected ${count}, got ${heard.length}`);
}
