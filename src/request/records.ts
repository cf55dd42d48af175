import type { RequestRecord } from './record';

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
const CLAIMED = 0;

type Slot = { [RECORD]?: RequestRecord | typeof CLAIMED };

/**
 * Claims a request (an IncomingMessage, an Http2ServerRequest, or an HTTP/2
 * stream served by the core API) for the caller; false when another copy or
 * instance already has it.
 */
export function claimRequest(request: object): boolean {
  const slot = request as Slot;
  if (slot[RECORD] !== undefined) return false;
  slot[RECORD] = CLAIMED;
  return true;
}

/** Puts the record on the request and on whatever else finds it later (its response, its stream). */
export function setRecord(holder: object, record: RequestRecord): void {
  (holder as Slot)[RECORD] = record;
}

export function recordOf(holder: object | null | undefined): RequestRecord | undefined {
  const record = (holder as Slot | null | undefined)?.[RECORD];
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

  get(request: object): T | undefined {
    return (request as unknown as Record<symbol, T | undefined>)[this.key];
  }

  set(request: object, value: T): void {
    (request as unknown as Record<symbol, T>)[this.key] = value;
  }
}
