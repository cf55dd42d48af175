/*
 * RequestSignalsInstrumentation: one SERVER span per http, https or http2
 * request, and Django's request signals fired inside it. A request's path:
 * a server's emit (servers/) → onRequest or onStream here → openRecord
 * (request/open-record.ts) → lifecycle.started → the app's listeners →
 * lifecycle.exception? → lifecycle.closed: requestFinished, then the span
 * and the metrics (request/lifecycle.ts).
 */
import { EventEmitter } from 'events';
import * as http from 'http';
import * as http2 from 'http2';
import * as https from 'https';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { resolveConfig } from './config/resolve-config';
import { warnAboutUnknownOptions } from './config/unknown-options';
import { FRAMEWORK_ADAPTERS } from './frameworks';
import { holdFrameworkPatches, releaseFrameworkPatches } from './frameworks/patch-holders';
import type { UrlScheme } from './parsing/request-target';
import { HTTP2_SECURE_SERVER_PROTOTYPE, HTTP2_SERVER_PROTOTYPE } from './internals/node-and-opentelemetry';
import { needsToEnter } from './request/context';
import { RequestLifecycle } from './request/lifecycle';
import { ArrivingRequest, openRecord } from './request/open-record';
import type { EmittedRequest, EmittedResponse, InstrumentationSettings, RequestRecord } from './request/record';
import { recordOf, setRecord } from './request/records';
import { callFenced } from './safety/fence';
import type { Emit, EmitPatch } from './servers/emit-patch';
import { RequestHandler, serverEmitPatch } from './servers/http-server-patch';
import { http2ServerEmitPatch } from './servers/http2-server-patch';
import { StreamRequest, StreamResponse } from './servers/http2-stream-views';
import { EmitterContextPatch, bindsListeners } from './servers/listener-context';
import { emitObservingRejections } from './servers/listeners';
import { finishWithConnection, forgetQueued } from './servers/queued-responses';
import { ReceiverTiming } from './signals/receiver-timing';
import type { RequestSender, ServerRequest } from './signals/request-signals';
import { ServerMetrics } from './span/metrics';
import type { RequestSignalsInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

type Request = EmittedRequest;
type Response = EmittedResponse;

export class RequestSignalsInstrumentation extends InstrumentationBase<RequestSignalsInstrumentationConfig> {
  // Declared, not initialised: the base constructor calls setConfig(), enable()
  // and _updateMetricInstruments() before field initialisers would run.
  declare private serverPatches: EmitPatch[] | undefined;
  declare private emitterContextPatch: EmitterContextPatch | undefined;
  declare private settings: InstrumentationSettings;
  declare private lifecycle: RequestLifecycle;
  declare private receiverTiming: ReceiverTiming | undefined;

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
    // The first setConfig runs inside InstrumentationBase's constructor, before _diag exists.
    warnAboutUnknownOptions(config, this._diag);
    const receiverTiming = ReceiverTiming.fromThreshold(config.slowReceiverThresholdMs, () => this._diag);
    super.setConfig(config);
    this.settings = { options: this.getConfig(), resolved };
    this.receiverTiming = receiverTiming;
    if (this.lifecycle !== undefined) this.lifecycle.timer = receiverTiming?.timer;
  }

  protected override _updateMetricInstruments(): void {
    const metrics = new ServerMetrics(this.meter);
    if (this.lifecycle === undefined) {
      this.lifecycle = new RequestLifecycle(metrics, () => this._diag);
      this.lifecycle.timer = this.receiverTiming?.timer;
    }
    this.lifecycle.metrics = metrics;
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
    const args = [request, response];
    if (ignored && !settings.resolved.signalsForIgnored) {
      return context.with(suppressTracing(context.active()), emitPlainly, undefined, server, event, args, emitBelow);
    }
    const stream = (request as http2.Http2ServerRequest).stream as http2.ServerHttp2Stream | undefined;
    const record = this.open({ server, scheme, request, response, stream }, ignored, settings);
    setRecord(request, record);
    setRecord(response, record);
    if (bindsListeners(record)) this.emitterContextPatch?.install();
    response.prependListener('close', onCloseEvent);
    if (stream === undefined && response.socket == null) finishWithConnection(record);
    return this.runListeners(record, event, args, emitBelow, true);
  }

  /*
   * Fires when an HTTP/2 server serving streams itself (the core API) emits
   * 'stream': the same as onRequest, with views of the stream standing in
   * for the request and the response.
   */
  private onStream(
    server: RequestSender,
    scheme: UrlScheme,
    args: unknown[],
    emitBelow: (() => boolean) | undefined
  ): boolean {
    const stream = args[0] as http2.ServerHttp2Stream;
    const request = new StreamRequest(
      stream,
      args[1] as http2.IncomingHttpHeaders,
      (args[3] as string[] | undefined) ?? []
    );
    const settings = this.settings;
    const ignored = this.isIgnored(request, settings);
    if (ignored && !settings.resolved.signalsForIgnored) {
      return context.with(suppressTracing(context.active()), emitPlainly, undefined, server, 'stream', args, emitBelow);
    }
    const record = this.open(
      { server, scheme, request, response: new StreamResponse(stream), stream },
      ignored,
      settings
    );
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
    if (record === undefined || record.finished) return emitPlainly(server, event, [request, response], emitBelow);
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
    if (first) this.lifecycle.started(record);
    try {
      return emitBelow !== undefined
        ? emitBelow()
        : emitObservingRejections(record.server, event, args, this.lifecycle.onListenerRejection);
    } catch (error) {
      this.lifecycle.exception(record, error, false);
      throw error;
    }
  }

  private isIgnored(request: ServerRequest, settings: InstrumentationSettings): boolean {
    const isIgnored = settings.resolved.isIgnored;
    if (isIgnored === undefined) return false;
    return callFenced('ignoreIncomingRequest', () => isIgnored(request), this.lifecycle.logHookError, false) === true;
  }

  private open(arriving: ArrivingRequest, ignored: boolean, settings: InstrumentationSettings): RequestRecord {
    return openRecord(arriving, ignored, this.tracer, settings, this.lifecycle);
  }
}

/** The server's listeners as Node calls them (or the emit below us), with nothing of ours around them. */
function emitPlainly(
  server: RequestSender,
  event: string,
  args: unknown[],
  emitBelow: (() => boolean) | undefined
): boolean {
  return emitBelow !== undefined ? emitBelow() : EventEmitter.prototype.emit.apply(server, [event, ...args]);
}

/** The one 'close' listener of every response (or core HTTP/2 stream), which holds its record. */
function onCloseEvent(this: object): void {
  const record = recordOf(this);
  if (record === undefined || record.finished) return;
  // Only HTTP/1 responses are ever queued behind another on their connection.
  if (record.stream === undefined) forgetQueued(record);
  record.events.closed(record);
}
