/*
 * A wrapper on a prototype's `emit` (http/https Server, IncomingMessage,
 * ServerResponse). It carries no shimmer markers on purpose:
 * InstrumentationBase._wrap unwraps a marked function before wrapping, so
 * instrumentation-http wrapping after us would silently remove us. Unmarked,
 * it wraps us instead, and we stay in the chain. uninstall() restores `emit`
 * only while ours is the outermost wrapper; otherwise ours stays in place and
 * passes everything through until installed again. Restoring assigns the
 * original back rather than deleting ours: a delete would turn the prototype
 * into a slow dictionary-mode object for every object after.
 */
import type { EventEmitter } from 'events';

export type Emit = (this: EventEmitter, event: string | symbol, ...args: unknown[]) => boolean;

/** Builds our wrapper around `original`; it must pass everything through while `isActive()` is false. */
export type EmitWrapperFactory = (original: Emit, isActive: () => boolean) => Emit;

export class EmitPatch {
  private original: Emit | undefined;
  private wrapper: Emit | undefined;
  private active = false;

  constructor(
    private readonly prototype: { emit: Emit },
    private readonly wrap: EmitWrapperFactory
  ) {}

  /** Wraps `emit`, unless our wrapper is still in the chain from an earlier install. */
  install(): void {
    this.active = true;
    if (this.wrapper !== undefined) return;
    this.original = this.prototype.emit;
    this.wrapper = this.wrap(this.original, () => this.active);
    this.prototype.emit = this.wrapper;
  }

  uninstall(): void {
    this.active = false;
    if (this.wrapper === undefined || this.prototype.emit !== this.wrapper) return;
    this.prototype.emit = this.original as Emit;
    this.wrapper = undefined;
    this.original = undefined;
  }
}
