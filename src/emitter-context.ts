/*
 * Runs the listeners of a request's and its response's events in the
 * request's context, so the span stays active in body and 'finish' listeners
 * that Node calls from the socket's context. context.bind(ctx, emitter) does
 * the same by patching eight methods on each emitter and wrapping every
 * listener added later; measured, that was the largest single cost of a
 * traced request (bench/NOTES.md). Here each emitter gets one own `emit`
 * that enters the context only for events that have listeners, and only
 * when another context is active. Listeners are not wrapped, so
 * removeListener and listeners() see exactly what the app added.
 */
import { Context, context } from '@opentelemetry/api';
import type { EventEmitter } from 'events';

type Emit = EventEmitter['emit'];
type EmitterInternals = { _events?: Record<string | symbol, unknown> };

export function emitInContext(emitter: EventEmitter, requestContext: Context): void {
  const emit = emitter.emit;
  emitter.emit = function emitInRequestContext(this: EventEmitter, event: string | symbol): boolean {
    // Most emits take this path, where `arguments` goes straight into Reflect.apply.
    if ((this as EmitterInternals)._events?.[event] === undefined || context.active() === requestContext) {
      return Reflect.apply(emit, this, arguments);
    }
    return emitEnteringContext(this, emit, requestContext, arguments);
  } as Emit;
}

function emitEnteringContext(emitter: EventEmitter, emit: Emit, requestContext: Context, args: IArguments): boolean {
  return context.with(requestContext, () => Reflect.apply(emit, emitter, args));
}
