/*
 * The wrapper on http/https Server.prototype.emit (an EmitPatch): the first
 * wrapper of any copy of this package to see a request claims and handles it.
 */
import { EventEmitter } from 'events';
import type { EmittedRequest, EmittedResponse } from '../request/record';
import type { RequestSender } from '../signals/request-signals';
import { Emit, EmitChain, EmitPatch } from './emit-patch';
import { listenerSlot, setListenerSlot } from '../internals/node-and-opentelemetry';
import { claimRequest, recordOf } from '../request/records';

/** Node emits one of these, with (request, response), for each request. */
export const REQUEST_EVENTS = new Set(['request', 'checkContinue', 'checkExpectation']);

/**
 * Handles one request inside its context: calls the server's listeners
 * itself, or, when given `emitBelow`, leaves that to the emit below us.
 * `again`: the app emitted a request it was given once more (Node's
 * documented `checkContinue` pattern emits it as 'request').
 */
export type RequestHandler = (
  server: RequestSender,
  event: string,
  request: EmittedRequest,
  response: EmittedResponse,
  again: boolean,
  emitBelow?: () => boolean
) => boolean;

export function serverEmitPatch(prototype: { emit: Emit }, handle: RequestHandler): EmitPatch {
  return new EmitPatch(prototype, chain => createWrapper(chain, handle));
}

function createWrapper(chain: EmitChain, handle: RequestHandler): Emit {
  return function emitWithRequestSignals(this: EventEmitter, event: string | symbol) {
    if (typeof event !== 'string' || !REQUEST_EVENTS.has(event) || !chain.active) {
      return Reflect.apply(chain.below, this, arguments) as boolean;
    }
    // `arguments` is only read and passed to Reflect.apply here: handing it to another function would allocate it.
    const handled = emitRequest(
      this as RequestSender,
      chain.below,
      handle,
      event,
      arguments[1] as EmittedRequest,
      arguments[2] as EmittedResponse
    );
    return handled !== undefined ? handled : (Reflect.apply(chain.below, this, arguments) as boolean);
  };
}

/** One request event, claimed and handled; undefined when it is another copy's to pass through. */
export function emitRequest(
  server: RequestSender,
  below: Emit,
  handle: RequestHandler,
  event: string,
  request: EmittedRequest,
  response: EmittedResponse
): boolean | undefined {
  // The outermost wrapper of any copy of this package handles a request alone.
  const again = !claimRequest(request);
  if (again && recordOf(request) === undefined) return undefined;
  if (below === EventEmitter.prototype.emit) {
    return handle(server, event, request, response, again);
  }
  return emitThroughLowerWrappers(server, below, event, request, response, again, handle);
}

/**
 * Another instrumentation (usually instrumentation-http) wrapped `emit`
 * before us, so it runs after us and may start its own SERVER span. To run
 * inside whatever context it sets up, we stand in for the request listeners
 * for this one call and handle the request when it reaches them.
 */
function emitThroughLowerWrappers(
  server: RequestSender,
  original: Emit,
  event: string,
  request: EmittedRequest,
  response: EmittedResponse,
  again: boolean,
  handle: RequestHandler
): boolean {
  const listeners = listenerSlot(server, event);
  if (listeners === undefined) {
    return handle(server, event, request, response, again, () =>
      Reflect.apply(original, server, [event, request, response])
    );
  }
  const standIn = function requestSignalsStandIn(): void {
    setListenerSlot(server, event, listeners);
    handle(server, event, request, response, again);
  };
  setListenerSlot(server, event, standIn);
  try {
    return Reflect.apply(original, server, [event, request, response]);
  } finally {
    if (listenerSlot(server, event) === standIn) setListenerSlot(server, event, listeners);
  }
}
