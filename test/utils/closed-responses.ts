/*
 * What a negative check ("nothing fired", "no span", "no metric") waits for
 * instead of a fixed sleep: the server's 'close' of each response, heard by a
 * listener of the test's own. The instrumentation prepends its 'close'
 * listener when the request arrives, so once ours runs, requestFinished has
 * fired, the span has ended and the metrics are recorded, or never will be.
 */
import type { EventEmitter } from 'events';

export interface ClosedResponses {
  /** Resolves once `count` responses have closed in all; fails after 5 s. */
  (count: number): Promise<void>;
  /** Stops counting (for a server that outlives the test). */
  stop(): void;
}

/** Counts the responses `server` closes from now on ('request': http, https and HTTP/2's compatibility API). */
export function countClosedResponses(server: EventEmitter): ClosedResponses {
  let closed = 0;
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  const onClose = () => {
    closed++;
    for (const waiter of waiting.filter(waiter => waiter.count <= closed)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const onRequest = (_request: unknown, response: EventEmitter): void => void response.once('close', onClose);
  // First: an app's listener that throws stops the emit before the listeners after it.
  server.prependListener('request', onRequest);
  const wait = (count: number) =>
    new Promise<void>((resolve, reject) => {
      if (closed >= count) return resolve();
      const timer = setTimeout(() => reject(new Error(`expected ${count} closed responses, got ${closed}`)), 5000);
      waiting.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return Object.assign(wait, { stop: () => void server.off('request', onRequest) });
}
