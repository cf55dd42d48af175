/*
 * Wraps a method in place and puts it back. The base class's shimmer is not
 * public, and adapters are plain objects, not instrumentations.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Method = (this: any, ...args: any[]) => unknown;

/** Every wrapper this package installed, to its original: so it never wraps its own wrapper twice. */
const originals = new WeakMap<Method, Method>();

export function wrapMethod<T extends object, K extends keyof T & string>(
  target: T,
  name: K,
  wrap: (original: T[K]) => T[K]
): void {
  const original = target[name] as unknown as Method;
  if (typeof original !== 'function' || originals.has(original)) return;
  const wrapper = wrap(original as unknown as T[K]) as unknown as Method;
  originals.set(wrapper, original);
  target[name] = wrapper as unknown as T[K];
}

/** Puts the original back if our wrapper is still in place; someone who wrapped on top keeps theirs. */
export function unwrapMethod<T extends object, K extends keyof T & string>(target: T, name: K): void {
  const original = originals.get(target[name] as unknown as Method);
  if (original !== undefined) target[name] = original as unknown as T[K];
}
