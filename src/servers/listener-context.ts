/*
 * Runs the listeners of a traced request's and its response's events in the
 * request's context, so the span stays active in body and 'finish' listeners
 * that Node calls from the socket's context. context.bind(ctx, emitter) does
 * the same by patching eight methods on each emitter and wrapping every
 * listener added later; measured, that was the largest single cost of a
 * traced request (bench/NOTES.md). Here IncomingMessage.prototype.emit and
 * ServerResponse.prototype.emit are wrapped once, by the first traced
 * request: for an emitter whose request we trace, an event with listeners,
 * and another context active, the listeners run in the request's context.
 * Nothing is added to a request for this, and listeners are not wrapped, so
 * removeListener and listeners() see exactly what the app added. The same
 * for HTTP/2: the compatibility API's request and response classes, and the
 * server stream class, found on the first stream served by the core API.
 */
import { context } from '@opentelemetry/api';
import type { EventEmitter } from 'events';
import { IncomingMessage, ServerResponse } from 'http';
import { Http2ServerRequest, Http2ServerResponse, ServerHttp2Stream } from 'http2';
import { Emit, EmitChain, EmitPatch } from './emit-patch';
import type { RequestRecord } from '../request/record';
import { recordOf } from '../request/records';
import { listenerSlot } from '../internals/node-and-opentelemetry';

/** Whether our wrappers put this request's listeners in its context: a span of ours that is traced, or an ignored request (its context suppresses tracing). */
export function bindsListeners(record: RequestRecord): boolean {
  return record.mode === 'own-span' || record.mode === 'ignored';
}

/**
 * Installed by the first request that needs it (a traced one), not at
 * enable(): a process without a TracerProvider never gets the wrappers.
 */
export class EmitterContextPatch {
  private installed = false;
  private streamPatch: EmitPatch | undefined;
  private readonly patches = [IncomingMessage, ServerResponse, Http2ServerRequest, Http2ServerResponse].map(
    emitter => new EmitPatch(emitter.prototype as { emit: Emit }, emitInRequestContext)
  );

  /** Cheap when already installed: called for every traced request. */
  install(): void {
    if (this.installed) return;
    this.installed = true;
    for (const patch of this.patches) patch.install();
  }

  /** For a traced stream of the HTTP/2 core API, whose class Node does not export. */
  installForStreams(stream: ServerHttp2Stream): void {
    this.install();
    if (this.streamPatch === undefined) {
      this.streamPatch = new EmitPatch(Object.getPrototypeOf(stream) as { emit: Emit }, emitInRequestContext);
    }
    this.streamPatch.install();
  }

  uninstall(): void {
    this.installed = false;
    for (const patch of this.patches) patch.uninstall();
    this.streamPatch?.uninstall();
  }
}

function emitInRequestContext(chain: EmitChain): Emit {
  return function emitInRequestContext(this: EventEmitter, event: string | symbol): boolean {
    const record = recordOf(this);
    // Most emits take this path, where `arguments` goes straight into Reflect.apply.
    if (
      record === undefined ||
      !bindsListeners(record) ||
      listenerSlot(this, event) === undefined ||
      context.active() === record.context ||
      !chain.active
    ) {
      return Reflect.apply(chain.below, this, arguments) as boolean;
    }
    return emitEnteringContext(this, chain.below, record, arguments);
  };
}

function emitEnteringContext(emitter: EventEmitter, emit: Emit, record: RequestRecord, args: IArguments): boolean {
  return context.with(record.context, () => Reflect.apply(emit, emitter, args) as boolean);
}
