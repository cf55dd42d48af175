/*
 * Signal's input checks: bad input is a TypeError that names the problem,
 * thrown before anything changes.
 */
import { describe } from '../safety/foreign-values';

export function assertKwargs(where: string, kwargs: unknown): void {
  if (kwargs !== undefined && (typeof kwargs !== 'object' || kwargs === null)) {
    throw new TypeError(`${where} expects kwargs to be an object, got ${describe(kwargs)}`);
  }
}

export function assertReceiver(where: string, receiver: unknown): void {
  if (typeof receiver !== 'function') {
    throw new TypeError(`${where} expects the receiver to be a function, got ${describe(receiver)}`);
  }
}

export function assertOptionsObject(where: string, options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where} expects options to be an object, got ${describe(options)}`);
  }
}

export function assertOptionalBoolean(where: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`${where} expects options.${name} to be a boolean, got ${describe(value)}`);
  }
}

/**
 * A dispatchUid is a string, number or symbol. Two values are refused:
 * NaN, which never equals itself, so its registration could never be found
 * again (nor deduplicated); and '', which names nothing and usually comes from
 * an unset setting. Django ignores a falsy uid (`if dispatch_uid:`); here 0 is
 * a uid like any other number (an enum's first member), and `undefined` is
 * "no uid".
 */
export function assertOptionalDispatchUid(where: string, value: unknown): void {
  const type = typeof value;
  if (value !== undefined && type !== 'string' && type !== 'number' && type !== 'symbol') {
    throw new TypeError(
      `${where} expects options.dispatchUid to be a string, number or symbol, got ${describe(value)}`
    );
  }
  if (Number.isNaN(value)) {
    throw new TypeError(
      `${where} got NaN as options.dispatchUid: NaN never equals itself, so it cannot key a registration`
    );
  }
  if (value === '') {
    throw new TypeError(`${where} got an empty string as options.dispatchUid: a dispatchUid must name something`);
  }
}
