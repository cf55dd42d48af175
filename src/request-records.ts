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

/**
 * A framework adapter's per-request state (the mounts a request is inside),
 * in a symbol-keyed property of the request, for the reason above. A plain
 * Symbol: each copy of the package keeps its own state, as a module-level
 * map would.
 */
export class RequestSlot<T> {
  private readonly key: symbol;

  constructor(description: string) {
    this.key = Symbol(description);
  }

  get(request: IncomingMessage): T | undefined {
    return (request as unknown as Record<symbol, T | undefined>)[this.key];
  }

  set(request: IncomingMessage, value: T): void {
    (request as unknown as Record<symbol, T>)[this.key] = value;
  }
}
