/*
 * The one fence around every function the user hands us (hooks,
 * ignoreIncomingRequest, spanNameHook, …): whatever it throws, even
 * `undefined` or `0`, is reported and never reaches the request.
 */

/** Reports what a user's function threw; `name` says which one. */
export type FenceReporter = (name: string, thrown: unknown) => void;

/** Calls `fn`; if it throws, reports the thrown value and returns `fallback`. */
export function callFenced<T, F>(name: string, fn: () => T, report: FenceReporter, fallback: F): T | F {
  try {
    return fn();
  } catch (thrown) {
    try {
      report(name, thrown);
    } catch {
      // A diag logger that throws: nothing left to tell.
    }
    return fallback;
  }
}
