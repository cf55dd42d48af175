/*
 * The SERVER span we own: started with the request's attributes (so samplers
 * see them), ended with the response's, per the stable HTTP conventions.
 */
import { Attributes, Context, Span, SpanKind, SpanStatusCode, Tracer } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { ATTR_ERROR_TYPE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { ServerRequest } from '../signals/request-signals';
import { normalizeMethod, requestAttributes, responseAttributes, spanNameFor } from '../span/attributes';
import type { UrlScheme } from '../parsing/request-target';
import { FenceReporter, callFenced } from '../safety/fence';
import type { InstrumentationSettings, RequestRecord } from './record';
import { applyRoute } from './route';
import { errorTypeOf, exceptionFacts } from '../span/exception-facts';

const ABORTED_ERROR_TYPE = 'aborted';
const ABORTED_DESCRIPTION = 'the client closed the connection before the response finished';

export function startServerSpan(
  tracer: Tracer,
  request: ServerRequest,
  scheme: UrlScheme,
  normalizedMethod: string,
  parent: Context,
  settings: InstrumentationSettings,
  logHookError: FenceReporter
): Span {
  const attributes = requestAttributes(request, scheme, normalizedMethod, settings.resolved);
  const startHook = settings.options.startIncomingSpanHook;
  if (startHook !== undefined) {
    callFenced(
      'startIncomingSpanHook',
      () => {
        const extra = startHook(request);
        if (typeof extra === 'object' && extra !== null) Object.assign(attributes, extra);
      },
      logHookError,
      undefined
    );
  }
  return tracer.startSpan(spanNameFor(normalizedMethod), { kind: SpanKind.SERVER, attributes }, parent);
}

export function recordException(span: Span, exception: unknown): void {
  const facts = exceptionFacts(exception);
  span.recordException(facts.exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: facts.message });
  span.setAttribute(ATTR_ERROR_TYPE, facts.errorType);
}

/** Ends the span; returns the attributes the response added (for the duration metric). */
export function endServerSpan(record: RequestRecord, aborted: boolean, logHookError: FenceReporter): Attributes {
  const { span, response } = record;
  adoptRouteFromMetadata(record);
  const attributes = responseAttributes(response, aborted, record.config.resolved);
  const failedBefore = record.reportedExceptions !== undefined;
  if (failedBefore) attributes[ATTR_ERROR_TYPE] = errorTypeOf(record.reportedExceptions?.[0]);
  else if (aborted) attributes[ATTR_ERROR_TYPE] = ABORTED_ERROR_TYPE;
  span.setAttributes(attributes);
  if (!failedBefore && aborted) span.setStatus({ code: SpanStatusCode.ERROR, message: ABORTED_DESCRIPTION });
  else if (!failedBefore && response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  nameByHook(record, logHookError);
  span.end();
  if (record.route !== undefined) attributes[ATTR_HTTP_ROUTE] = record.route;
  return attributes;
}

/** A framework instrumentation (instrumentation-express, …) may have put the route in the RPC metadata. */
function adoptRouteFromMetadata(record: RequestRecord): void {
  if (record.route !== undefined) return;
  const route = getRPCMetadata(record.context)?.route;
  if (typeof route === 'string' && route !== '') applyRoute(record, route);
}

function nameByHook(record: RequestRecord, logHookError: FenceReporter): void {
  const hook = record.config.options.spanNameHook;
  if (hook === undefined || !record.span.isRecording()) return;
  const { request, response, route } = record;
  const method = spanNameFor(normalizeMethod(request.method));
  const defaultName = route === undefined ? method : `${method} ${route}`;
  const name = callFenced(
    'spanNameHook',
    () => hook({ request, response, route, defaultName }),
    logHookError,
    undefined
  );
  if (typeof name === 'string' && name !== '') record.span.updateName(name);
}
