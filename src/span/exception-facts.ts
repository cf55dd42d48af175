/*
 * What the span records of a thrown value, read once and fenced: the value
 * may be anything (a null-prototype object, a Proxy, an Error whose
 * `message` getter throws), and recording it must never throw.
 */
import type { Exception } from '@opentelemetry/api';
import { ERROR_TYPE_VALUE_OTHER } from '@opentelemetry/semantic-conventions';
import { constructorName, readProperty, safeString } from '../safety/foreign-values';

export interface ExceptionFacts {
  /** What Span.recordException gets: the string, or plain fields read off the value. */
  readonly exception: Exception;
  /** The span status description. */
  readonly message: string;
  /** `error.type`: the value's class name, or `_OTHER`. */
  readonly errorType: string;
}

export function exceptionFacts(value: unknown): ExceptionFacts {
  if (typeof value === 'string') return { exception: value, message: value, errorType: ERROR_TYPE_VALUE_OTHER };
  const message = stringField(value, 'message') ?? safeString(value);
  const exception: Exception = { message };
  const name = stringField(value, 'name');
  if (name !== undefined) exception.name = name;
  const stack = stringField(value, 'stack');
  if (stack !== undefined) exception.stack = stack;
  const code = readProperty(value, 'code');
  if (typeof code === 'string' || typeof code === 'number') exception.code = code;
  return { exception, message, errorType: errorTypeOf(value) };
}

/** `error.type` for a thrown value: its class name, or `_OTHER`. */
export function errorTypeOf(value: unknown): string {
  const name = constructorName(value);
  return name !== undefined && name !== '' && name !== 'Object' ? name : ERROR_TYPE_VALUE_OTHER;
}

function stringField(value: unknown, key: string): string | undefined {
  const field = readProperty(value, key);
  return typeof field === 'string' ? field : undefined;
}
