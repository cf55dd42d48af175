import type { IncomingMessage } from 'http';
import type { RequestRecord } from './internal-types';

/*
 * Every request's record, keyed by the request. Shared by every copy of this
 * package, so that a framework error reported through one copy reaches the
 * record the other copy opened.
 */
const RECORDS_KEY = Symbol.for('otel-request-signals.request-records.v1');

export const requestRecords: WeakMap<IncomingMessage, RequestRecord> = ((globalThis as Record<symbol, unknown>)[
  RECORDS_KEY
] ??= new WeakMap()) as WeakMap<IncomingMessage, RequestRecord>;
