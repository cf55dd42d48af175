/*
 * RequestSignalsInstrumentation: one SERVER span per http/https request, and
 * Django's request signals fired inside it. A request's path through this
 * file: onRequest → openRecord → onRequestStarted → (listeners) →
 * onException? → onResponseClose → onRequestFinished → endServerSpan.
 */
import { EventEmitter } from 'events';
import * as http from 'http';
import * as http2 from 'http2';
import * as https from 'https';
import { Context, ROOT_CONTEXT, Span, context, propagation, trace } from '@opentelemetry/api';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { UrlScheme, normalizeMethod, protocolVersion, requestScheme } from './span/attributes';
import { resolveConfig } from './config/resolve-config';
import { FRAMEWORK_ADAPTERS } from './frameworks';
import { holdFrameworkPatches, releaseFrameworkPatches } from './frameworks/patch-holders';
import type {
  EmittedRequest,
  EmittedResponse,
  InstrumentationSettings,
  RecordHandler,
  RequestRecord,
  ServerRequest,
  ServerResponseLike,
} from './request/record';
import type { RequestSender } from './signals/request-signals';
import { RequestMetricAttributes, ServerMetrics } from './span/metrics';
import { NON_RECORDING_SPAN, isNoopTracer } from './span/noop-tracer';
import { ReceiverTiming } from './signals/receiver-timing';
import { StartedKwargs, exceptionKwargs, finishedKwargs } from './request/kwargs';
import { EmitterContextPatch, bindsListeners } from './servers/listener-context';
import { emitObservingRejections } from './servers/listeners';
import { callRequestHook, callResponseHook } from './request/hooks';
import { FenceReporter, callFenced } from './safety/fence';
import { foreignServerSpan, needsToEnter, requestContext } from './request/context';
import { dispatchSignal } from './request/dispatch';
import { recordOf, setRecord } from './request/records';
import { finishWithConnection, forgetQueued } from './servers/queued-responses';
import { gotRequestException, requestFinished, requestStarted } from './signals/request-signals';
import { endServerSpan, recordException, startServerSpan } from './request/server-span';
import type { Emit, EmitPatch } from './servers/emit-patch';
import { RequestHandler, serverEmitPatch } from './servers/http-server-patch';
import { http2ServerEmitPatch } from './servers/http2-server-patch';
import { StreamRequest, StreamResponse, streamAborted } from './servers/http2-stream-views';
import type { ReceiverKwargs, Signal } from './signals/signal';
import type { RequestSignalsInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

type Request = EmittedRequest;
type Response = EmittedResponse;

/* Node's HTTP/2 server classes are not exported; a server object that never listens shows them. */
const HTTP2_SERVER_PROTOTYPE = Object.getPrototypeOf(http2.createServer()) as object;
const HTTP2_SECURE_SERVER_PROTOTYPE = Object.getPrototypeOf(http2.createSecureServer()) as object;

export class RequestSignalsInstrumentation
  extends InstrumentationBase<RequestSignalsInstrumentationConfig>
  implements RecordHandler
{
  // Declared, not initialised: the base constructor calls setConfig(), enable()
  // and _updateMetricInstruments() before field initialisers would run.
  private declare serverPatches: EmitPatch[] | undefined;
  private declare emitterContextPatch: EmitterContextPatch | undefined;
  private declare receiverTiming: ReceiverTiming | undefined;
  private declare settings: InstrumentationSettings;
  private declare metrics: ServerMetrics;

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

  /** Validates and prepares the options; takes effect from the next request. */
  override setConfig(config: RequestSignalsInstrumentationConfig = {}): void {
    const resolved = resolveConfig(config);
    const receiverTiming = ReceiverTiming.fromThreshold(config.slowReceiverThresholdMs, () => this._diag);
    super.setConfig(config);
    this.settings = { options: this.getConfig(), resolved };
    this.receiverTiming = receiverTiming;
  }

  protected override _updateMetricInstruments(): void {
    this.metrics = new ServerMetrics(this.meter);
  }

  override enable(): void {
    holdFrameworkPatches(this);
    super.enable();
    this.serverPatches ??= [
      this.createServerPatch(http.Server.prototype, 'http'),
      this.createServerPatch(https.Server.prototype, 'https'),
      this.createHttp2Patch(HTTP2_SERVER_PROTOTYPE, 'http'),
      this.createHttp2Patch(HTTP2_SECURE_SERVER_PROTOTYPE, 'https'),
    ];
    for (const patch of this.serverPatches) patch.install();
    this.emitterContextPatch ??= new EmitterContextPatch();
    for (const adapter of FRAMEWORK_ADAPTERS) adapter.enable?.();
  }

  override disable(): void {
    releaseFrameworkPatches(this);
    super.disable();
    for (const patch of this.serverPatches ?? []) patch.uninstall();
    this.emitterContextPatch?.uninstall();
    for (const adapter of FRAMEWORK_ADAPTERS) adapter.disable?.();
  }

  private createServerPatch(prototype: object, scheme: UrlScheme): EmitPatch {
    return serverEmitPatch(prototype as { emit: Emit }, this.requestHandler(scheme));
  }

  private createHttp2Patch(prototype: object, scheme: UrlScheme): EmitPatch {
    return http2ServerEmitPatch(prototype as { emit: Emit }, this.requestHandler(scheme), (server, args, emitBelow) =>
      this.onStream(server as RequestSender, scheme, args, emitBelow)
    );
  }

  private requestHandler(scheme: UrlScheme): RequestHandler {
    return (server, event, request, response, again, emitBelow) =>
      again
        ? this.onRequestAgain(server, event, request, response, emitBelow)
        : this.onRequest(server, scheme, event, request, response, emitBelow);
  }

  /*
   * Fires when a server emits a request. Opens the record and the span (or
   * adopts the SERVER span another instrumentation opened for this request),
   * then runs requestStarted and the listeners inside the span's context.
   */
  private onRequest(
    server: RequestSender,
    scheme: UrlScheme,
    event: string,
    request: Request,
    response: Response,
    emitBelow: (() => boolean) | undefined
  ): boolean {
    const settings = this.settings;
    const ignored = this.isIgnored(request, settings);
    if (ignored && !settings.resolved.signalsForIgnored) {
      return context.with(suppressTracing(context.active()), () =>
        emitBelow !== undefined ? emitBelow() : Reflect.apply(EventEmitter.prototype.emit, server, [event, request, response])
      );
    }
    const stream = (request as http2.Http2ServerRequest).stream as http2.ServerHttp2Stream | undefined;
    const record = this.openRecord(server, scheme, request, response, stream, settings, ignored);
    setRecord(request, record);
    setRecord(response, record);
    if (bindsListeners(record)) this.emitterContextPatch?.install();
    response.prependListener('close', onCloseEvent);
    if (stream === undefined && response.socket == null) finishWithConnection(record);
    return this.runListeners(record, event, [request, response], emitBelow, true);
  }

  /*
   * Fires when an HTTP/2 server serving streams itself (the core API) emits
   * 'stream': the same as onRequest, with views of the stream standing in
   * for the request and the response.
   */
  private onStream(server: RequestSender, scheme: UrlScheme, args: unknown[], emitBelow: (() => boolean) | undefined): boolean {
    const stream = args[0] as http2.ServerHttp2Stream;
    const request = new StreamRequest(stream, args[1] as http2.IncomingHttpHeaders, (args[3] as string[] | undefined) ?? []);
    const settings = this.settings;
    const ignored = this.isIgnored(request, settings);
    if (ignored && !settings.resolved.signalsForIgnored) {
      return context.with(suppressTracing(context.active()), () =>
        emitBelow !== undefined ? emitBelow() : Reflect.apply(EventEmitter.prototype.emit, server, ['stream', ...args])
      );
    }
    const record = this.openRecord(server, scheme, request, new StreamResponse(stream), stream, settings, ignored);
    setRecord(stream, record);
    if (bindsListeners(record)) this.emitterContextPatch?.installForStreams(stream);
    stream.prependListener('close', onCloseEvent);
    return this.runListeners(record, 'stream', args, emitBelow, true);
  }

  /*
   * Fires when the app emits a request it was given once more, as Node's
   * checkContinue pattern does: the listeners run in the request's context,
   * their errors are the request's, and requestStarted does not fire again.
   */
  private onRequestAgain(
    server: RequestSender,
    event: string,
    request: Request,
    response: Response,
    emitBelow: (() => boolean) | undefined
  ): boolean {
    const record = recordOf(request);
    if (record === undefined || record.finished) {
      return emitBelow !== undefined ? emitBelow() : Reflect.apply(EventEmitter.prototype.emit, server, [event, request, response]);
    }
    return this.runListeners(record, event, [request, response], emitBelow, false);
  }

  /* Runs requestStarted's receivers (the first time), then the server's request listeners (or the emit below us), in the request's context. */
  private runListeners(
    record: RequestRecord,
    event: string,
    args: unknown[],
    emitBelow: (() => boolean) | undefined,
    first: boolean
  ): boolean {
    if (!needsToEnter(record)) return this.callListeners(record, event, args, emitBelow, first);
    return context.with(record.context, () => this.callListeners(record, event, args, emitBelow, first));
  }

  private callListeners(
    record: RequestRecord,
    event: string,
    args: unknown[],
    emitBelow: (() => boolean) | undefined,
    first: boolean
  ): boolean {
    if (first) this.onRequestStarted(record);
    try {
      return emitBelow !== undefined
        ? emitBelow()
        : emitObservingRejections(record.server, event, args, this.onListenerRejection);
    } catch (error) {
      this.onException(record, error, false);
      throw error;
    }
  }

  private isIgnored(request: ServerRequest, settings: InstrumentationSettings): boolean {
    const isIgnored = settings.resolved.isIgnored;
    if (isIgnored === undefined) return false;
    return callFenced('ignoreIncomingRequest', () => isIgnored(request), this.logHookError, false) === true;
  }

  private openRecord(
    server: RequestSender,
    scheme: UrlScheme,
    request: ServerRequest,
    response: ServerResponseLike,
    stream: http2.ServerHttp2Stream | undefined,
    settings: InstrumentationSettings,
    ignored: boolean
  ): RequestRecord {
    const active = context.active();
    const foreignSpan = ignored ? undefined : foreignServerSpan(active);
    let span: Span;
    let spanContext: Context;
    let entersContext = true;
    let metricAttributes: RequestMetricAttributes | undefined;
    if (foreignSpan !== undefined) {
      span = foreignSpan;
      spanContext = active;
    } else if (ignored) {
      span = NON_RECORDING_SPAN;
      spanContext = trace.setSpan(suppressTracing(active), span);
    } else {
      const method = normalizeMethod(request.method);
      if (isNoopTracer(this.tracer)) {
        span = NON_RECORDING_SPAN;
        spanContext = active;
        entersContext = false;
      } else {
        const parent = isTracingSuppressed(active) ? active : propagation.extract(ROOT_CONTEXT, request.headers);
        span = startServerSpan(this.tracer, request, scheme, method, parent, settings, this.logHookError);
        spanContext = requestContext(parent, span);
      }
      if (this.metrics.recording) {
        metricAttributes = ServerMetrics.startAttributes(method, requestScheme(request, scheme, settings.resolved), protocolVersion(request.httpVersion));
        this.metrics.requestStarted(metricAttributes);
      }
    }
    // One literal with every field, in one order: records share a hidden class.
    const record: RequestRecord = {
      server,
      request,
      response,
      stream,
      scheme,
      span,
      context: spanContext,
      entersContext,
      ownsSpan: foreignSpan === undefined,
      ignored,
      config: settings,
      metricAttributes,
      handler: this,
      startTime: performance.now(),
      route: undefined,
      reportedExceptions: undefined,
      finished: false,
    };
    callRequestHook(record, this.logHookError);
    return record;
  }

  /* Fires before the listeners run, with the span active. */
  private onRequestStarted(record: RequestRecord): void {
    if (!requestStarted._mayHaveReceivers(record.server)) return;
    this.dispatch(record, requestStarted, new StartedKwargs(requestStarted, record));
  }

  private dispatch<K extends object>(
    record: RequestRecord,
    signal: Signal<K, RequestSender>,
    kwargs: ReceiverKwargs<K, RequestSender>
  ): void {
    dispatchSignal(record, signal, kwargs, this.metrics, this.receiverTiming?.timer);
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
    try {
      if (gotRequestException._mayHaveReceivers(record.server)) {
        const kwargs = exceptionKwargs(gotRequestException, record, exception);
        this.dispatch(record, gotRequestException, kwargs);
      }
      if ((record.ownsSpan || ownerCannotSee) && !record.finished) recordException(record.span, exception);
    } catch (failure) {
      // Whatever went wrong here, the app's own error goes on as it would without us.
      this.logInternalError('recording an exception', failure);
    }
  }

  /* Fires when the response closed: after it finished, or when the connection went first. */
  onResponseClose(record: RequestRecord): void {
    if (record.finished) return;
    forgetQueued(record);
    const aborted =
      record.stream !== undefined ? streamAborted(record.stream) : closedUnfinished(record.response as http.ServerResponse);
    const durationMs = performance.now() - record.startTime;
    callResponseHook(record, this.logHookError);
    this.onRequestFinished(record, aborted, durationMs);
    record.finished = true;
    this.endSpanAndMetrics(record, aborted, durationMs);
  }

  /** Ends the span we own; skips the response's attributes when neither the span nor the metrics want them. */
  private endSpanAndMetrics(record: RequestRecord, aborted: boolean, durationMs: number): void {
    const metricAttributes = record.metricAttributes;
    if (!record.ownsSpan || record.ignored) return;
    if (metricAttributes === undefined && !record.span.isRecording()) return;
    const endAttributes = endServerSpan(record, aborted, this.logHookError);
    if (metricAttributes !== undefined) this.metrics.requestEnded(metricAttributes, endAttributes, durationMs);
  }

  /* Fires exactly once per request, while the span is still open. */
  private onRequestFinished(record: RequestRecord, aborted: boolean, durationMs: number): void {
    if (!requestFinished._mayHaveReceivers(record.server)) return;
    const kwargs = finishedKwargs(requestFinished, record, aborted, durationMs);
    this.dispatch(record, requestFinished, kwargs);
  }

  /** A request listener's promise rejected: the app's own code failed, where no owner of the span can see it. */
  private readonly onListenerRejection = (request: unknown, error: unknown): void => {
    const record = recordOf(request as object);
    if (record !== undefined) this.onException(record, error, true);
  };

  private logInternalError(what: string, failure: unknown): void {
    try {
      this._diag.error(`${what} failed; the request goes on`, failure);
    } catch {
      // A diag logger that throws: nothing left to tell.
    }
  }

  private readonly logHookError: FenceReporter = (name, thrown) => {
    this._diag.error(`${name} threw; the request goes on`, thrown);
  };
}

/*
 * Node's writableFinished is also true for a response destroyed and then ended
 * (frameworks do that when a body stream fails midway): its
 * socket is still attached then, while a finished response lets go of its
 * socket before 'close'.
 */
function closedUnfinished(response: http.ServerResponse): boolean {
  return !response.writableFinished || response.socket?.destroyed === true;
}

/** The one 'close' listener of every response (or core HTTP/2 stream), which holds its record. */
function onCloseEvent(this: object): void {
  const record = recordOf(this);
  if (record !== undefined) record.handler.onResponseClose(record);
}
