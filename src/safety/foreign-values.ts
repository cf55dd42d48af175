/*
 * Reading values the application hands us: thrown values, listeners' and
 * receivers' results, bad options. Any of them may be a Proxy or carry
 * getters, toString or Symbol.toStringTag that throw; nothing here throws,
 * whatever the value.
 */
import type { IncomingMessage } from 'http';
import { types } from 'util';

/** A short description of a value for TypeError messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return 'an array';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return `the string ${JSON.stringify(value)}`;
    case 'function':
      return `the function ${functionName(value) || '(anonymous)'}`;
    case 'object':
      return `an object (${constructorName(value) ?? 'null prototype'})`;
    default:
      return `the ${typeof value} ${safeString(value)}`;
  }
}

/**
 * Whether `value` looks like a server request (it has `headers`): frameworks
 * get called with stand-ins in apps' own tests, which must not start throwing.
 */
export function isRequest(value: unknown): value is IncomingMessage {
  return typeof value === 'object' && value !== null && typeof readProperty(value, 'headers') === 'object';
}

/** `value[key]`, or undefined when reading it throws. */
export function readProperty(value: unknown, key: PropertyKey): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** The name of the value's constructor, when it has one that can be read. */
export function constructorName(value: unknown): string | undefined {
  const name = readProperty(readProperty(value, 'constructor'), 'name');
  return typeof name === 'string' ? name : undefined;
}

/** A function's name, when it can be read. */
function functionName(fn: unknown): string | undefined {
  const name = readProperty(fn, 'name');
  return typeof name === 'string' ? name : undefined;
}

/** Whether `value` is a thenable. Reads `then`, which may throw: the Signal's loops treat that as the receiver's throw. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Whether `value` is a native promise (of any realm). Only these are observed
 * where Node itself would not look at a result: attaching a handler to one
 * runs no code of the app's, where calling a thenable's `then` might (a lazy
 * query builder runs on `then`).
 */
export function isNativePromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && types.isPromise(value);
}

/**
 * Calls `onRejected` if the native promise rejects, through the intrinsic
 * `then` (a subclass's own `then` is not called). Returns false when the
 * promise could not be observed.
 */
export function observeRejection(promise: Promise<unknown>, onRejected: (reason: unknown) => void): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the intrinsic `then`, applied to this promise
    void Reflect.apply(Promise.prototype.then, promise, [undefined, onRejected]);
    return true;
  } catch {
    return false;
  }
}

/** How a receiver is named in log messages. */
export function receiverName(receiver: unknown): string {
  let name: unknown;
  try {
    name = (receiver as { name?: unknown }).name;
  } catch {
    return '(a receiver whose name cannot be read)';
  }
  return typeof name === 'string' && name !== '' ? name : '(anonymous receiver)';
}

/** String(value), for any value: a throwing toString(), or a Symbol.toStringTag getter that throws too, must not throw here. */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return `[${typeof value}]`;
    }
  }
}

function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    // A revoked Proxy.
    return false;
  }
}
