/*
 * The public seam for frameworks: what a framework knows about a request
 * (its route, the error it caught) reaches the request's span and signals.
 */
import type { Context } from '@opentelemetry/api';
import { RPCType, getRPCMetadata } from '@opentelemetry/core';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import { normalizeMethod, spanNameFor } from './attributes';
import type { RequestRecord } from './internal-types';
import type { ServerRequest } from './request-signals';
import { recordOf } from './request-records';
import { describe, readProperty } from './utils';

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
  record.handler.onException(record, exception, true);
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

/** @internal Sets the route on the record's span, also while the span is being ended. */
export function applyRoute(record: RequestRecord, template: string): void {
  const { request } = record;
  record.route = template;
  record.span.setAttribute(ATTR_HTTP_ROUTE, template);
  if (record.ownsSpan) record.span.updateName(`${spanNameFor(normalizeMethod(request.method))} ${template}`);
  else shareRouteWithSpanOwner(record.context, template);
}

/** instrumentation-http names its span from the RPC metadata's route when the request ends. */
function shareRouteWithSpanOwner(requestContext: Context, template: string): void {
  const metadata = getRPCMetadata(requestContext);
  if (metadata?.type === RPCType.HTTP) metadata.route = template;
}

function assertRequest(where: string, request: unknown): void {
  if (typeof request !== 'object' || request === null || typeof readProperty(request, 'headers') !== 'object') {
    throw new TypeError(`${where} expects the request (an http.IncomingMessage or Http2ServerRequest), got ${describe(request)}`);
  }
}
