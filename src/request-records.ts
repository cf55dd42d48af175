import type { IncomingMessage } from 'http';
import type { RequestRecord } from './internal-types';

/*
 * Every request's record lives in one symbol-keyed slot on the request.
 * Not a WeakMap: a long-lived WeakMap keyed by short-lived requests makes
 * every scavenge process its ephemeron table, which cost more than half of
 * our per-request overhead (bench/NOTES.md). `Symbol.for` keeps what the
 * shared map gave: the first copy of this package to see a request claims it
 * (the others pass it through), and a framework error reported through one
 * copy reaches the record another opened.
 */
const RECORD = Symbol.for('otel-request-signals.request-record.v1');

/** The value of a request claimed before (or without) its record. */
export const CLAIMED = 0;

type Slot = { [RECORD]?: RequestRecord | typeof CLAIMED };

/** Claims `request` for the caller; false when another copy or instance already has it. */
export function claimRequest(request: IncomingMessage): boolean {
  const slot = request as IncomingMessage & Slot;
  if (slot[RECORD] !== undefined) return false;
  slot[RECORD] = CLAIMED;
  return true;
}

export function setRecord(request: IncomingMessage, record: RequestRecord): void {
  (request as IncomingMessage & Slot)[RECORD] = record;
}

export function recordOf(request: IncomingMessage): RequestRecord | undefined {
  const record = (request as IncomingMessage & Slot)[RECORD];
  return record === CLAIMED ? undefined : record;
}
