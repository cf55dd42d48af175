/*
 * Replacing a framework's method and putting it back (Express, Connect, Koa). The marker is shared
 * by every copy and instance of this package, so a method is replaced once:
 * two enabled instances must not each push a mount path.
 */
import { frameworkPatchesHeld } from './patch-holders';

const ORIGINAL = Symbol.for('otel-request-signals.frameworks.original.v1');

/** Any method: called only through Reflect.apply, with the arguments it was given. */
export type AnyMethod = (this: never, ...args: never[]) => unknown;
type Marked = AnyMethod & { [ORIGINAL]?: AnyMethod };

/** Replaces `target[name]` with `replace(original)`, unless it is already ours. */
export function replaceMethod<M extends AnyMethod>(target: object, name: string, replace: (original: M) => M): void {
  const methods = target as Record<string, Marked | undefined>;
  const original = methods[name];
  if (typeof original !== 'function' || original[ORIGINAL] !== undefined) return;
  const replacement: Marked = replace(original as M);
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
