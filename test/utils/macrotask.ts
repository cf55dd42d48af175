/**
 * Resolves in a later macrotask. Node reports the rejections left unhandled
 * once the microtask queue drains, before any macrotask runs: after this, an
 * 'unhandledRejection' listener has heard every one made before it (no event
 * says that none was left).
 */
export function nextMacrotask(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}
