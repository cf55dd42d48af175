/*
 * HTTP/1.1 pipelining: Node queues the response of a request that arrives
 * while an earlier one on the connection is unfinished, and gives it the
 * socket only when its turn comes. If the connection closes first, Node emits
 * no 'close' for the queued response, and the request's own 'close' may have
 * come long before (it fires once its body is read). So a queued request
 * finishes when its connection closes: one listener per connection, and the
 * queued records in a set on it, whatever their number.
 */
import type { Socket } from 'net';
import type { RequestRecord } from '../request/record';

const QUEUED = Symbol('otel-request-signals.queued-responses');

type Connection = Socket & { [QUEUED]?: Set<RequestRecord> };

/** Finishes `record` when its connection closes, unless its response closes first. */
export function finishWithConnection(record: RequestRecord): void {
  const connection = record.request.socket as Connection | null;
  if (connection == null) return;
  let queued = connection[QUEUED];
  if (queued === undefined) {
    queued = connection[QUEUED] = new Set();
    connection.once('close', onConnectionClose);
  }
  queued.add(record);
}

/** Called when the record's response closed on its own: the connection no longer needs to finish it. */
export function forgetQueued(record: RequestRecord): void {
  (record.request.socket as Connection | null)?.[QUEUED]?.delete(record);
}

function onConnectionClose(this: Connection): void {
  const queued = this[QUEUED];
  this[QUEUED] = undefined;
  for (const record of queued ?? []) record.events.closed(record);
}
