/*
 * The public seam for frameworks: what a framework knows about a request
 * (its route, the error it caught) reaches the request's span and signals.
 */
import type { ServerRequest } from '../signals/request-signals';
import { recordOf } from '../request/records';
import { applyRoute } from '../request/route';
import { describe, isRequest } from '../safety/foreign-values';

/**
 * Reports an error a framework caught for `request`: fires gotRequestException
 * (once per error) and records it on the span. Returns false when the request
 * is not being instrumented.
 *
 *     app.use((err, req, res, next) => { reportRequestException(req, err); next(err); });
 */
export function reportRequestException(request: ServerRequest, exception: unknown): boolean {
  assertRequest('reportRequestException()', request);
  const record = recordOf(request);
  if (record === undefined) return false;
  record.events.exception(record, exception, true);
  return true;
}

/**
 * Sets `http.route` from the framework's matched template and names the span
 * `{method} {route}`. Returns false when the request is not being instrumented.
 *
 *     router.use((req, res, next) => { setRoute(req, '/users/:id'); next(); });
 */
export function setRoute(request: ServerRequest, template: string): boolean {
  assertRequest('setRoute()', request);
  if (typeof template !== 'string' || template === '') {
    throw new TypeError(`setRoute() expects the route template to be a non-empty string, got ${describe(template)}`);
  }
  const record = recordOf(request);
  if (record === undefined || record.finished) return false;
  applyRoute(record, template);
  return true;
}

function assertRequest(where: string, request: unknown): void {
  if (!isRequest(request)) {
    throw new TypeError(
      `${where} expects the request (an http.IncomingMessage or Http2ServerRequest), got ${describe(request)}`
    );
  }
}
