/*
 * The route a framework matched (or the span owner's RPC metadata carried):
 * `http.route` on the span, and the span named `{method} {route}`.
 */
import type { Context } from '@opentelemetry/api';
import { RPCType, getRPCMetadata } from '@opentelemetry/core';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import { normalizeMethod, spanNameFor } from '../span/attributes';
import type { RequestRecord } from './record';

/** Sets the route on the record's span, also while the span is being ended. */
export function applyRoute(record: RequestRecord, template: string): void {
  const { request } = record;
  record.route = template;
  record.span.setAttribute(ATTR_HTTP_ROUTE, template);
  if (record.mode !== 'adopted-span')
    record.span.updateName(`${spanNameFor(normalizeMethod(request.method))} ${template}`);
  else shareRouteWithSpanOwner(record.context, template);
}

/** instrumentation-http names its span from the RPC metadata's route when the request ends. */
function shareRouteWithSpanOwner(requestContext: Context, template: string): void {
  const metadata = getRPCMetadata(requestContext);
  if (metadata?.type === RPCType.HTTP) metadata.route = template;
}
