/*
 * A wrapper on a prototype's `emit` (http/https Server, IncomingMessage,
 * ServerResponse). Other instrumentations wrap the same methods with
 * shimmer, whose protocol is three markers on the wrapper: `__wrapped`,
 * `__original` and `__unwrap`. Our wrapper never carries markers of its own:
 * InstrumentationBase._wrap unwraps a marked function before wrapping, so
 * instrumentation-http wrapping after us would silently remove us. Unmarked,
 * it wraps us instead, and we stay in the chain.
 *
 * But when a shimmer wrapper is below ours, our wrapper passes its markers
 * through: its owner's `_unwrap()` reaches the outermost function, which is
 * ours, and must take that wrapper out of the chain below us, or a disabled
 * instrumentation-http would go on making spans. So the function we call is
 * read from `chain.below` on every call, and `__unwrap` skips past it.
 *
 * uninstall() restores `emit` only while ours is the outermost wrapper;
 * otherwise ours stays in place and passes everything through until
 * installed again. Restoring assigns the original back rather than deleting
 * ours: a delete would turn the prototype into a slow dictionary-mode object.
 */
import type { EventEmitter } from 'events';

export type Emit = (this: EventEmitter, event: string | symbol, ...args: unknown[]) => boolean;

/** What our wrapper reads on every call: the emit below it, and whether it is on. */
export interface EmitChain {
  below: Emit;
  active: boolean;
}

/** Builds our wrapper; it must call `chain.below` and pass everything through while `chain.active` is false. */
export type EmitWrapperFactory = (chain: EmitChain) => Emit;

interface ShimmerMarkers {
  __wrapped?: boolean;
  __original?: Emit;
  __unwrap?: () => void;
}

const OURS = Symbol.for('otel-request-signals.emit-wrapper.v1');

type OurWrapper = Emit & { [OURS]?: EmitChain };

export class EmitPatch {
  private chain: EmitChain | undefined;
  private wrapper: Emit | undefined;

  constructor(
    private readonly prototype: { emit: Emit },
    private readonly wrap: EmitWrapperFactory
  ) {}

  /** Wraps `emit`, unless our wrapper is still in the chain from an earlier install. */
  install(): void {
    if (this.chain !== undefined && this.wrapper !== undefined) {
      this.chain.active = true;
      return;
    }
    const chain: EmitChain = { below: this.prototype.emit, active: true };
    const wrapper: OurWrapper = this.wrap(chain);
    Object.defineProperty(wrapper, OURS, { value: chain });
    passShimmerMarkersThrough(wrapper, chain);
    this.chain = chain;
    this.wrapper = wrapper;
    this.prototype.emit = wrapper;
  }

  uninstall(): void {
    if (this.chain === undefined) return;
    this.chain.active = false;
    if (this.prototype.emit !== this.wrapper) return;
    this.prototype.emit = this.chain.below;
    this.wrapper = undefined;
    this.chain = undefined;
  }
}

/*
 * Markers that answer for the first shimmer wrapper below ours: present only
 * while there is one (so nothing unwraps us before wrapping), and unwrapping
 * through them removes it from below us.
 */
function passShimmerMarkersThrough(wrapper: Emit, chain: EmitChain): void {
  const marked = () => isShimmerWrapped(chain.below) || isOurs(chain.below);
  Object.defineProperties(wrapper, {
    __wrapped: { get: () => (marked() ? true : undefined), configurable: true },
    __original: { get: () => (marked() ? (chain.below as ShimmerMarkers).__original : undefined), configurable: true },
    __unwrap: { get: () => (marked() ? () => unwrapBelow(chain) : undefined), configurable: true },
  });
}

function unwrapBelow(chain: EmitChain): void {
  const below = chain.below as OurWrapper & ShimmerMarkers;
  // Another copy of ours below: it passes the request on to whatever is below it.
  if (below[OURS] !== undefined) return unwrapBelow(below[OURS]);
  if (isShimmerWrapped(below)) chain.below = below.__original as Emit;
}

function isOurs(emit: Emit): boolean {
  const chain = (emit as OurWrapper)[OURS];
  return chain !== undefined && (isShimmerWrapped(chain.below) || isOurs(chain.below));
}

function isShimmerWrapped(emit: Emit): boolean {
  const markers = emit as ShimmerMarkers;
  return (
    (emit as OurWrapper)[OURS] === undefined &&
    markers.__wrapped === true &&
    typeof markers.__original === 'function' &&
    typeof markers.__unwrap === 'function'
  );
}
