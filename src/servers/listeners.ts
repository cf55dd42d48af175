/*
 * Calls a server's request listeners as EventEmitter.prototype.emit does,
 * but sees the promise an async listener returns, so that a rejection reaches
 * gotRequestException and then goes on exactly where Node would send it.
 */
import { EventEmitter } from 'events';
import { capturesRejections, listenerSlot } from '../internals/node-and-opentelemetry';
import { isNativePromise, observeRejection } from '../safety/foreign-values';

/** A request event's arguments: (request, response), or an HTTP/2 core stream's (stream, headers, flags, rawHeaders). */
type EventArgs = readonly unknown[];

/** Called with the event's first argument (the request, or the stream) when a listener's promise rejected. */
export type RejectionHandler = (request: unknown, error: unknown) => void;

export function emitObservingRejections(
  emitter: EventEmitter,
  event: string,
  args: EventArgs,
  onRejection: RejectionHandler
): boolean {
  const slot = listenerSlot(emitter, event);
  if (slot === undefined) return false;
  if (typeof slot === 'function') {
    observe(emitter, event, args, Reflect.apply(slot, emitter, args), onRejection);
    return true;
  }
  // Like emit, call the listeners registered when the event started.
  const listeners = slot.slice();
  for (let i = 0; i < listeners.length; i++) {
    observe(emitter, event, args, Reflect.apply(listeners[i], emitter, args), onRejection);
  }
  return true;
}

function observe(
  emitter: EventEmitter,
  event: string,
  args: EventArgs,
  result: unknown,
  onRejection: RejectionHandler
): void {
  if (result === undefined || result === null) return;
  if (capturesRejections(emitter)) {
    observeAsNodeCaptures(emitter, event, args, result, onRejection);
  } else if (isNativePromise(result)) {
    // Node does not look at the result here. Re-thrown, so the derived promise
    // is unhandled just as the listener's was.
    observeRejection(result, error => {
      onRejection(args[0], error);
      throw error;
    });
  }
}

/* What Node's emit does with a listener's result under captureRejections (events.js addCatch), plus our report. */
function observeAsNodeCaptures(
  emitter: EventEmitter,
  event: string,
  args: EventArgs,
  result: unknown,
  onRejection: RejectionHandler
): void {
  try {
    const then = (result as { then?: unknown }).then;
    if (typeof then !== 'function') return;
    Reflect.apply(then, result, [
      undefined,
      (error: unknown) => {
        onRejection(args[0], error);
        process.nextTick(emitCapturedRejection, emitter, error, event, args);
      },
    ]);
  } catch (error) {
    emitter.emit('error', error);
  }
}

/** What Node's own captureRejections path does (http.Server answers 500). */
function emitCapturedRejection(emitter: EventEmitter, error: unknown, event: string, args: EventArgs): void {
  const handler = (emitter as unknown as Record<symbol, unknown>)[EventEmitter.captureRejectionSymbol];
  if (typeof handler === 'function') {
    Reflect.apply(handler, emitter, [error, event, ...args]);
    return;
  }
  emitter.emit('error', error);
}
