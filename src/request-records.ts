import type { IncomingMessage } from 'http';
import type { RequestRecord } from './internal-types';

/*
 * Every request's record, keyed by the request. Shared by every copy of this
 * package: the first copy to see a request claims it (so the others pass it
 * through), and a framework error reported through one copy reaches the
 * record the other opened. One weak map, since each entry costs the GC.
 */
const RECORDS_KEY = Symbol.for('otel-request-signals.request-records.v1');

/** The value of a request claimed before (or without) its record. */
export const CLAIMED = 0;

const requestRecords: WeakMap<IncomingMessage, RequestRecord | typeof CLAIMED> = ((
  globalThis as Record<symbol, unknown>
)[RECORDS_KEY] ??= new WeakMap()) as WeakMap<IncomingMessage, RequestRecord | typeof CLAIMED>;

/** Claims `request` for the caller; false when another copy or instance already has it. */
export function claimRequest(request: IncomingMessage): boolean {
  if (requestRecords.has(request)) return false;
  requestRecords.set(request, CLAIMED);
  return true;
}

export function setRecord(request: IncomingMessage, record: RequestRecord): void {
  requestRecords.set(request, record);
}

export function recordOf(request: IncomingMessage): RequestRecord | undefined {
  const record = requestRecords.get(request);
  return record === CLAIMED ? undefined : record;
}
