/*
 * The wrapper on Http2Server.prototype.emit and Http2SecureServer's. A server
 * with 'request' listeners uses the compatibility API: Node turns each
 * stream into an Http2ServerRequest/Response pair (or, with allowHTTP1, an
 * HTTP/1 IncomingMessage/ServerResponse) and emits 'request', handled as for
 * http. A server with no 'request' listener serves streams itself (the core
 * API): its 'stream' events are handled here. Never both, so a
 * compatibility server is never instrumented twice.
 */
import { EventEmitter } from 'events';
import type { Server } from 'http';
import { Emit, EmitChain, EmitPatch } from './emit-patch';
import type { EmittedRequest, EmittedResponse } from '../request/record';
import { claimRequest, recordOf } from '../request/records';
import { REQUEST_EVENTS, RequestHandler, emitRequest } from './http-server-patch';

/**
 * Handles one stream of the core API inside its context. `args`: the
 * event's (stream, headers, flags, rawHeaders); `emitBelow`, when another
 * wrapper is below ours, calls it instead of the listeners.
 */
export type StreamHandler = (server: EventEmitter, args: unknown[], emitBelow: (() => boolean) | undefined) => boolean;

export function http2ServerEmitPatch(
  prototype: { emit: Emit },
  handle: RequestHandler,
  handleStream: StreamHandler
): EmitPatch {
  return new EmitPatch(prototype, chain => createWrapper(chain, handle, handleStream));
}

function createWrapper(chain: EmitChain, handle: RequestHandler, handleStream: StreamHandler): Emit {
  return function emitWithRequestSignals(this: EventEmitter, event: string | symbol) {
    if (!chain.active || typeof event !== 'string') return Reflect.apply(chain.below, this, arguments) as boolean;
    if (REQUEST_EVENTS.has(event)) {
      if (servedAsStream(arguments[1])) return Reflect.apply(chain.below, this, arguments) as boolean;
      const handled = emitRequest(
        this as Server,
        chain.below,
        handle,
        event,
        arguments[1] as EmittedRequest,
        arguments[2] as EmittedResponse
      );
      return handled !== undefined ? handled : (Reflect.apply(chain.below, this, arguments) as boolean);
    }
    if (event !== 'stream' || this.listenerCount('request') !== 0)
      return Reflect.apply(chain.below, this, arguments) as boolean;
    if (!claimRequest(arguments[1] as object)) return Reflect.apply(chain.below, this, arguments) as boolean;
    const emitArgs = arguments;
    const below = chain.below;
    const args = Array.prototype.slice.call(arguments, 1) as unknown[];
    const emitBelow =
      below === EventEmitter.prototype.emit ? undefined : () => Reflect.apply(below, this, emitArgs) as boolean;
    return handleStream(this, args, emitBelow);
  };
}

/*
 * Node's compatibility layer, once the server had a 'request' listener, emits
 * 'request' for every stream, even after the last such listener was removed.
 * Such a stream was already handled as a stream of the core API: its
 * Http2ServerRequest is a second view of the same exchange, not a request.
 */
function servedAsStream(request: unknown): boolean {
  const stream = (request as { stream?: object } | undefined)?.stream;
  return typeof stream === 'object' && stream !== null && recordOf(stream) !== undefined;
}
