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
 * removeListener and listeners() see exactly what the app added.
 */
import { context } from '@opentelemetry/api';
import type { EventEmitter } from 'events';
import { IncomingMessage, ServerResponse } from 'http';
import type { RequestRecord } from './internal-types';
import { recordOf } from './request-records';

type Emit = EventEmitter['emit'];
type EmitterInternals = { _events?: Record<string | symbol, unknown> };
type RecordOfEmitter = (emitter: EventEmitter) => RequestRecord | undefined;

const recordOfRequest: RecordOfEmitter = emitter => recordOf(emitter as IncomingMessage);
const recordOfResponse: RecordOfEmitter = emitter => {
  const request = (emitter as ServerResponse).req as IncomingMessage | undefined;
  return request === undefined ? undefined : recordOf(request);
};

/** Whether our wrappers put this request's listeners in its context: when we own a span that is traced. */
export function bindsListeners(record: RequestRecord): boolean {
  return record.entersContext && record.ownsSpan;
}

/**
 * Installed by the first request that needs it (a traced one), not at
 * enable(): a process without a TracerProvider never gets the wrappers.
 */
export class EmitterContextPatch {
  private installed = false;
  private readonly patches = [
    new PrototypeEmitPatch(IncomingMessage.prototype, recordOfRequest),
    new PrototypeEmitPatch(ServerResponse.prototype, recordOfResponse),
  ];

  /** Cheap when already installed: called for every traced request. */
  install(): void {
    if (this.installed) return;
    this.installed = true;
    for (const patch of this.patches) patch.install();
  }

  uninstall(): void {
    this.installed = false;
    for (const patch of this.patches) patch.uninstall();
  }
}

/**
 * Like ServerEmitPatch: no shimmer markers, and left in place (passing
 * through) when wrapped by another. Uninstalling puts the original back as an
 * own property rather than deleting ours: a delete would turn the prototype
 * into a slow dictionary-mode object for every request and response after.
 */
class PrototypeEmitPatch {
  private wrapper: Emit | undefined;
  private original: Emit | undefined;
  private active = false;

  constructor(
    private readonly prototype: { emit: Emit },
    private readonly recordOfEmitter: RecordOfEmitter
  ) {}

  install(): void {
    this.active = true;
    if (this.wrapper !== undefined) return;
    this.original = this.prototype.emit;
    this.wrapper = emitInRequestContext(this.original, this.recordOfEmitter, () => this.active);
    this.prototype.emit = this.wrapper;
  }

  uninstall(): void {
    this.active = false;
    if (this.wrapper === undefined || this.prototype.emit !== this.wrapper) return;
    this.prototype.emit = this.original as Emit;
    this.wrapper = undefined;
  }
}

function emitInRequestContext(emit: Emit, recordOfEmitter: RecordOfEmitter, isActive: () => boolean): Emit {
  return function emitInRequestContext(this: EventEmitter, event: string | symbol): boolean {
    const record = recordOfEmitter(this);
    // Most emits take this path, where `arguments` goes straight into Reflect.apply.
    if (
      record === undefined ||
      !bindsListeners(record) ||
      (this as EmitterInternals)._events?.[event] === undefined ||
      context.active() === record.context ||
      !isActive()
    ) {
      return Reflect.apply(emit, this, arguments);
    }
    return emitEnteringContext(this, emit, record, arguments);
  } as Emit;
}

function emitEnteringContext(emitter: EventEmitter, emit: Emit, record: RequestRecord, args: IArguments): boolean {
  return context.with(record.context, () => Reflect.apply(emit, emitter, args));
}
