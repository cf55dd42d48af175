/** A short description of a value for TypeError messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return `the string ${JSON.stringify(value)}`;
    case 'function':
      return `the function ${value.name || '(anonymous)'}`;
    case 'object':
      return `an object (${value.constructor?.name ?? 'null prototype'})`;
    default:
      return `the ${typeof value} ${String(value)}`;
  }
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/** How a receiver is named in log messages. */
export function receiverName(receiver: { name?: string }): string {
  return receiver.name ? receiver.name : '(anonymous receiver)';
}

/** String(value), for any value: a null-prototype object or a throwing toString() must not throw here. */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
