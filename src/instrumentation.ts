/*
 * RequestSignalsInstrumentation: one SERVER span per http/https request, and
 * Django's request signals fired inside it. A request's path through this
 * file: onRequest → onRequestStarted → (listeners) → onException? →
 * onResponseClose → onRequestFinished → endSpan.
 */
import * as http from 'http';
import * as https from 'https';
import {
  Context,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import { RPCType, getRPCMetadata, isTracingSuppressed, setRPCMetadata } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import {
  UrlScheme,
  errorTypeOf,
  normalizeMethod,
  requestAttributes,
  responseAttributes,
  spanNameFor,
} from './attributes';
import { FRAMEWORK_ADAPTERS } from './frameworks';
import type { ExceptionHandler, RequestRecord } from './internal-types';
import { StartedKwargs, exceptionKwargs, finishedKwargs } from './request-kwargs';
import { emitObservingRejections } from './request-listeners';
import { requestRecords } from './request-records';
import { applyRoute } from './request-reporting';
import { gotRequestException, requestFinished, requestStarted } from './request-signals';
import { ServerEmitPatch } from './server-patch';
import { ReceiverTiming } from './receiver-timing';
import type { RequestSignalsInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

export class RequestSignalsInstrumentation
  extends InstrumentationBase<RequestSignalsInstrumentationConfig>
  implements ExceptionHandler
{
  // Declared, not initialised: the base constructor calls enable() before field initialisers run.
  private declare serverPatches: ServerEmitPatch[] | undefined;
  private declare receiverTiming: ReceiverTiming | undefined;

  constructor(config: RequestSignalsInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  /**
   * Require hooks for the frameworks only: http and https are core modules,
   * patched at enable() whatever the load order.
   */
  protected init(): InstrumentationNodeModuleDefinition[] {
    return FRAMEWORK_ADAPTERS.flatMap(adapter => adapter.moduleDefinitions());
  }

  override setConfig(config: RequestSignalsInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.receiverTiming = ReceiverTiming.fromThreshold(config.slowReceiverThresholdMs, () => this._diag);
  }

  override enable(): void {
    super.enable();
    this.serverPatches ??= [
      this.createServerPatch(http.Server.prototype, 'http'),
      this.createServerPatch(https.Server.prototype, 'https'),
    ];
    for (const patch of this.serverPatches) patch.install();
    for (const adapter of FRAMEWORK_ADAPTERS) adapter.enable?.();
  }

  override disable(): void {
    super.disable();
    for (const patch of this.serverPatches ?? []) patch.uninstall();
    for (const adapter of FRAMEWORK_ADAPTERS) adapter.disable?.();
  }

  private createServerPatch(prototype: object, scheme: UrlScheme): ServerEmitPatch {
    return new ServerEmitPatch(
      prototype as ConstructorParameters<typeof ServerEmitPatch>[0],
      (server, event, request, response, emitBelow) =>
        this.onRequest(server, scheme, event, request, response, emitBelow),
      () => this.isEnabled()
    );
  }

  /*
   * Fires when a server emits a request. Opens the record and the span (or
   * adopts the SERVER span another instrumentation opened for this request),
   * then runs requestStarted and the listeners inside the span's context.
   */
  private onRequest(
    server: http.Server,
    scheme: UrlScheme,
    event: string,
    request: http.IncomingMessage,
    response: http.ServerResponse,
    emitBelow: (() => boolean) | undefined
  ): boolean {
    const record = this.openRecord(server, scheme, request, response);
    requestRecords.set(request, record);
    response.prependListener('close', () => this.onResponseClose(record));
    context.bind(record.context, request);
    context.bind(record.context, response);
    return context.with(record.context, () => {
      this.onRequestStarted(record);
      try {
        return emitBelow !== undefined
          ? emitBelow()
          : emitObservingRejections(server, event, [request, response], error =>
              this.onException(record, error, true)
            );
      } catch (error) {
        this.onException(record, error, false);
        throw error;
      }
    });
  }

  private openRecord(
    server: http.Server,
    scheme: UrlScheme,
    request: http.IncomingMessage,
    response: http.ServerResponse
  ): RequestRecord {
    const active = context.active();
    const foreignSpan = foreignServerSpan(active);
    const common = {
      server,
      request,
      response,
      scheme,
      handler: this,
      startTime: performance.now(),
      route: undefined,
      reportedExceptions: undefined,
      finished: false,
    };
    if (foreignSpan !== undefined) return { ...common, span: foreignSpan, context: active, ownsSpan: false };
    const parent = isTracingSuppressed(active) ? active : propagation.extract(ROOT_CONTEXT, request.headers);
    const span = this.startServerSpan(request, scheme, parent);
    const spanContext = setRPCMetadata(trace.setSpan(parent, span), { type: RPCType.HTTP, span });
    return { ...common, span, context: spanContext, ownsSpan: true };
  }

  private startServerSpan(request: http.IncomingMessage, scheme: UrlScheme, parent: Context): Span {
    const method = normalizeMethod(request.method);
    return this.tracer.startSpan(
      spanNameFor(method),
      { kind: SpanKind.SERVER, attributes: requestAttributes(request, scheme, method) },
      parent
    );
  }

  /* Fires before the listeners run, with the span active. */
  private onRequestStarted(record: RequestRecord): void {
    if (!requestStarted._mayHaveReceivers(record.server)) return;
    requestStarted._notifyRobust(record.server, new StartedKwargs(requestStarted, record), this.receiverTiming?.timer);
  }

  /*
   * Fires once per error: a listener's synchronous throw, its promise's
   * rejection, or an error a framework reported. Records it on the span we
   * own; on an adopted span, only what its owner cannot see (rejections).
   */
  onException(record: RequestRecord, exception: unknown, ownerCannotSee: boolean): void {
    const reported = (record.reportedExceptions ??= []);
    if (reported.includes(exception)) return;
    reported.push(exception);
    if (gotRequestException._mayHaveReceivers(record.server)) {
      context.with(record.context, () =>
        gotRequestException._notifyRobust(
          record.server,
          exceptionKwargs(gotRequestException, record, exception),
          this.receiverTiming?.timer
        )
      );
    }
    if ((record.ownsSpan || ownerCannotSee) && !record.finished) recordException(record.span, exception);
  }

  /* Fires when the response closed: after it finished, or when the connection went first. */
  private onResponseClose(record: RequestRecord): void {
    if (record.finished) return;
    const aborted = !record.response.writableFinished;
    this.onRequestFinished(record, aborted);
    record.finished = true;
    if (record.ownsSpan) endSpan(record, aborted);
  }

  /* Fires exactly once per request, while the span is still open. */
  private onRequestFinished(record: RequestRecord, aborted: boolean): void {
    if (!requestFinished._mayHaveReceivers(record.server)) return;
    const durationMs = performance.now() - record.startTime;
    context.with(record.context, () =>
      requestFinished._notifyRobust(
        record.server,
        finishedKwargs(requestFinished, record, aborted, durationMs),
        this.receiverTiming?.timer
      )
    );
  }
}

/** The SERVER span instrumentation-http (or any instrumentation using RPC metadata) opened for this request. */
function foreignServerSpan(active: Context): Span | undefined {
  const metadata = getRPCMetadata(active);
  return metadata?.type === RPCType.HTTP ? metadata.span : undefined;
}

function recordException(span: Span, exception: unknown): void {
  span.recordException(exception instanceof Error || typeof exception === 'string' ? exception : String(exception));
  span.setStatus({ code: SpanStatusCode.ERROR, message: exceptionMessage(exception) });
  span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(exception));
}

function exceptionMessage(exception: unknown): string {
  return exception instanceof Error ? exception.message : String(exception);
}

function endSpan(record: RequestRecord, aborted: boolean): void {
  const { span, response } = record;
  adoptRouteFromMetadata(record);
  const attributes = responseAttributes(response, aborted);
  const failedBefore = record.reportedExceptions !== undefined;
  if (failedBefore) delete attributes[ATTR_ERROR_TYPE];
  span.setAttributes(attributes);
  if (!failedBefore && aborted) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection before the response finished' });
    span.setAttribute(ATTR_ERROR_TYPE, ABORTED_ERROR_TYPE);
  } else if (!failedBefore && response.statusCode >= 500) {
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

const ABORTED_ERROR_TYPE = 'aborted';

/** A framework instrumentation (instrumentation-express, …) may have put the route in the RPC metadata. */
function adoptRouteFromMetadata(record: RequestRecord): void {
  if (record.route !== undefined) return;
  const route = getRPCMetadata(record.context)?.route;
  if (typeof route === 'string' && route !== '') applyRoute(record, route);
}
