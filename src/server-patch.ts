/*
 * The patch on a server prototype's `emit`. It carries no shimmer markers on
 * purpose: InstrumentationBase._wrap unwraps a marked function before
 * wrapping, so instrumentation-http wrapping after us would silently remove
 * us. Unmarked, it wraps us instead, and we stay in the chain.
 */
import { EventEmitter } from 'events';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import { listenerSlot, setListenerSlot } from './request-listeners';
import { claimRequest } from './request-records';

/** Node emits one of these, with (request, response), for each request. */
const REQUEST_EVENTS = new Set(['request', 'checkContinue', 'checkExpectation']);

type Emit = (this: EventEmitter, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Handles one request inside its context: calls the server's listeners
 * itself, or, when given `emitBelow`, leaves that to the emit below us.
 */
export type RequestHandler = (
  server: Server,
  event: string,
  request: IncomingMessage,
  response: ServerResponse,
  emitBelow?: () => boolean
) => boolean;

export class ServerEmitPatch {
  private original: Emit | undefined;
  private wrapper: Emit | undefined;

  constructor(
    private readonly prototype: { emit: Emit },
    private readonly handle: RequestHandler,
    private readonly isActive: () => boolean
  ) {}

  /** Wraps `emit` unless our wrapper is still in the chain from an earlier enable. */
  install(): void {
    if (this.wrapper !== undefined) return;
    const original = this.prototype.emit;
    this.original = original;
    this.wrapper = createWrapper(original, this.handle, this.isActive);
    this.prototype.emit = this.wrapper;
  }

  /**
   * Restores `emit` when we are still the outermost wrapper; otherwise another
   * wrapper holds ours, so ours stays in place and passes events through.
   */
  uninstall(): void {
    if (this.wrapper === undefined || this.prototype.emit !== this.wrapper) return;
    this.prototype.emit = this.original as Emit;
    this.wrapper = undefined;
    this.original = undefined;
  }
}

function createWrapper(original: Emit, handle: RequestHandler, isActive: () => boolean): Emit {
  const listenersEmitDirectly = original === EventEmitter.prototype.emit;
  return function emitWithRequestSignals(this: EventEmitter, event: string | symbol) {
    if (typeof event !== 'string' || !REQUEST_EVENTS.has(event) || !isActive()) {
      return Reflect.apply(original, this, arguments);
    }
    const request = arguments[1] as IncomingMessage;
    // The outermost wrapper of any copy of this package handles a request alone.
    if (!claimRequest(request)) return Reflect.apply(original, this, arguments);
    const server = this as Server;
    const response = arguments[2] as ServerResponse;
    if (listenersEmitDirectly) {
      return handle(server, event, request, response);
    }
    return emitThroughLowerWrappers(server, original, event, request, response, handle);
  };
}

/**
 * Another instrumentation (usually instrumentation-http) wrapped `emit`
 * before us, so it runs after us and may start its own SERVER span. To run
 * inside whatever context it sets up, we stand in for the request listeners
 * for this one call and handle the request when it reaches them.
 */
function emitThroughLowerWrappers(
  server: Server,
  original: Emit,
  event: string,
  request: IncomingMessage,
  response: ServerResponse,
  handle: RequestHandler
): boolean {
  const listeners = listenerSlot(server, event);
  if (listeners === undefined) {
    return handle(server, event, request, response, () => Reflect.apply(original, server, [event, request, response]));
  }
  const standIn = function requestSignalsStandIn(): void {
    setListenerSlot(server, event, listeners);
    handle(server, event, request, response);
  };
  setListenerSlot(server, event, standIn);
  try {
    return Reflect.apply(original, server, [event, request, response]);
  } finally {
    if (listenerSlot(server, event) === standIn) setListenerSlot(server, event, listeners);
  }
}
