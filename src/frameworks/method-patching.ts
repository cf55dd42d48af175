/*
 * Replacing a framework's method and putting it back (Express, Connect, Koa). The marker is shared
 * by every copy and instance of this package, so a method is replaced once:
 * two enabled instances must not each push a mount path.
 */
import { frameworkPatchesHeld } from './patch-holders';

const ORIGINAL = Symbol.for('otel-request-signals.frameworks.original.v1');

type AnyFunction = (this: any, ...args: any[]) => unknown;
type Marked = AnyFunction & { [ORIGINAL]?: AnyFunction };

/** Replaces `target[name]` with `replace(original)`, unless it is already ours. */
export function replaceMethod(target: object, name: string, replace: (original: AnyFunction) => AnyFunction): void {
  const methods = target as Record<string, Marked | undefined>;
  const original = methods[name];
  if (typeof original !== 'function' || original[ORIGINAL] !== undefined) return;
  const replacement: Marked = replace(original);
  Object.defineProperty(replacement, ORIGINAL, { value: original });
  methods[name] = replacement;
}

/** Puts the original back, unless an enabled instance still needs the replacement. */
export function restoreMethod(target: object, name: string): void {
  if (frameworkPatchesHeld()) return;
  const methods = target as Record<string, Marked | undefined>;
  const original = methods[name]?.[ORIGINAL];
  if (original !== undefined) methods[name] = original;
}
