/*
 * Framework patches are shared: one replaced method or one subscription
 * serves every enabled instance and copy of this package. An instance holds
 * them while it is enabled, and they are taken away only when the last
 * holder lets go, so `a.disable()` never strips them from an enabled `b`.
 */
const HOLDERS = Symbol.for('otel-request-signals.frameworks.holders.v1');

type GlobalWithHolders = typeof globalThis & { [HOLDERS]?: Set<object> };

const holders: Set<object> = ((globalThis as GlobalWithHolders)[HOLDERS] ??= new Set<object>());

/** Called by enable(), before any patch is applied. */
export function holdFrameworkPatches(holder: object): void {
  holders.add(holder);
}

/** Called by disable(), before the patches are asked to come off. */
export function releaseFrameworkPatches(holder: object): void {
  holders.delete(holder);
}

/** Whether an enabled instance still needs the shared patches. */
export function frameworkPatchesHeld(): boolean {
  return holders.size > 0;
}
