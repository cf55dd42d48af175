/*
 * The wrapper on Http2Server.prototype.emit and Http2SecureServer's. A server
 * with 'request' listeners uses the compatibility API: Node turns each
 * stream into an Http2ServerRequest/Response pair (or, with allowHTTP1, an
 * HTTP/1 IncomingMessage/ServerResponse) and emits 'request', handled as for
 * http. A server with no 'request' listener serves streams itself (the core
 * API): its 'stream' events are handled here. Never both, so a
 * compatibility server is never instrumented twice.
 */
import type { EventEmitter } from 'events';
import type { Server } from 'http';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'http2';
import { Emit, EmitChain, EmitPatch } from './emit-patch';
import { claimRequest } from './request-records';
import { REQUEST_EVENTS, RequestHandler, emitRequest } from './server-patch';

/** Handles one stream of the core API inside its context; `emitBelow` calls the server's 'stream' listeners. */
export type StreamHandler = (
  server: EventEmitter,
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  rawHeaders: string[],
  emitBelow: () => boolean
) => boolean;

export function http2ServerEmitPatch(prototype: { emit: Emit }, handle: RequestHandler, handleStream: StreamHandler): EmitPatch {
  return new EmitPatch(prototype, chain => createWrapper(chain, handle, handleStream));
}

function createWrapper(chain: EmitChain, handle: RequestHandler, handleStream: StreamHandler): Emit {
  return function emitWithRequestSignals(this: EventEmitter, event: string | symbol) {
    if (!chain.active || typeof event !== 'string') return Reflect.apply(chain.below, this, arguments);
    if (REQUEST_EVENTS.has(event)) return emitRequest(this as Server, chain.below, handle, event, arguments);
    if (event !== 'stream' || this.listenerCount('request') !== 0) return Reflect.apply(chain.below, this, arguments);
    const stream = arguments[1] as ServerHttp2Stream;
    if (!claimRequest(stream)) return Reflect.apply(chain.below, this, arguments);
    const args = arguments;
    const below = chain.below;
    return handleStream(this, stream, args[2] as IncomingHttpHeaders, (args[4] as string[] | undefined) ?? [], () =>
      Reflect.apply(below, this, args)
    );
  };
}
