/*
 * A request's record, opened when it arrives: its mode decided once, and
 * the span and context that mode needs.
 */
import { Context, ROOT_CONTEXT, Span, Tracer, context, propagation, trace } from '@opentelemetry/api';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import type { ServerHttp2Stream } from 'http2';
import { UrlScheme, protocolVersion } from '../parsing/request-target';
import type { RequestSender, ServerRequest, ServerResponseOf } from '../signals/request-signals';
import { normalizeMethod, requestScheme } from '../span/attributes';
import { RequestMetricAttributes, ServerMetrics } from '../span/metrics';
import { NON_RECORDING_SPAN, isNoopTracer } from '../span/noop-tracer';
import { foreignServerSpan, requestContext } from './context';
import { callRequestHook } from './hooks';
import type { RequestLifecycle } from './lifecycle';
import type { InstrumentationSettings, RequestMode, RequestRecord } from './record';
import { startServerSpan } from './server-span';

export interface ArrivingRequest {
  readonly server: RequestSender;
  readonly scheme: UrlScheme;
  readonly request: ServerRequest;
  readonly response: ServerResponseOf;
  /** The HTTP/2 stream, for both HTTP/2 APIs. */
  readonly stream: ServerHttp2Stream | undefined;
}

export function openRecord(
  arriving: ArrivingRequest,
  ignored: boolean,
  tracer: Tracer,
  settings: InstrumentationSettings,
  lifecycle: RequestLifecycle
): RequestRecord {
  const { server, scheme, request, response, stream } = arriving;
  const active = context.active();
  const foreignSpan = ignored ? undefined : foreignServerSpan(active);
  const mode: RequestMode = ignored
    ? 'ignored'
    : foreignSpan !== undefined
      ? 'adopted-span'
      : isNoopTracer(tracer)
        ? 'signals-only'
        : 'own-span';
  let span: Span = NON_RECORDING_SPAN;
  let spanContext: Context = active;
  let metricAttributes: RequestMetricAttributes | undefined;
  if (mode === 'adopted-span') {
    span = foreignSpan as Span;
  } else if (mode === 'ignored') {
    spanContext = trace.setSpan(suppressTracing(active), span);
  } else {
    const method = normalizeMethod(request.method);
    if (mode === 'own-span') {
      const parent = isTracingSuppressed(active) ? active : propagation.extract(ROOT_CONTEXT, request.headers);
      span = startServerSpan(tracer, request, scheme, method, parent, settings, lifecycle.logHookError);
      spanContext = requestContext(parent, span);
    }
    metricAttributes = startMetrics(lifecycle.metrics, request, scheme, method, settings);
  }
  // One literal with every field, in one order: records share a hidden class.
  const record: RequestRecord = {
    server,
    request,
    response,
    stream,
    scheme,
    url: request.url ?? '',
    span,
    context: spanContext,
    mode,
    config: settings,
    metricAttributes,
    events: lifecycle,
    startTime: performance.now(),
    route: undefined,
    reportedExceptions: undefined,
    finished: false,
  };
  callRequestHook(record, lifecycle.logHookError);
  return record;
}

function startMetrics(
  metrics: ServerMetrics,
  request: ServerRequest,
  scheme: UrlScheme,
  method: string,
  settings: InstrumentationSettings
): RequestMetricAttributes | undefined {
  if (!metrics.recording) return undefined;
  const attributes = ServerMetrics.startAttributes(
    method,
    requestScheme(request, scheme, settings.resolved),
    protocolVersion(request.httpVersion)
  );
  metrics.requestStarted(attributes);
  return attributes;
}
