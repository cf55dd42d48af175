/*
 * Every internal of Node and of the OpenTelemetry API this package relies
 * on, in one place, each with the versions it was checked on and what
 * happens without it. test/internals.test.ts fails loudly when one of them
 * is no longer there.
 *
 * Checked on Node 20.20, 22.23, 24.9 and 24.22; @opentelemetry/api 1.9 and 1.10,
 * @opentelemetry/core 2.x and 3.x.
 */
import { Context, INVALID_SPAN_CONTEXT, ProxyTracerProvider, createNoopMeter, trace } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import { EventEmitter } from 'events';
import * as http2 from 'http2';

type Listener = (this: EventEmitter, ...args: unknown[]) => unknown;
/** What an emitter keeps for one event: nothing, one listener, or an array of them. */
export type ListenerSlot = Listener | Listener[] | undefined;
type EmitterInternals = { _events?: Record<string | symbol, ListenerSlot> };

/**
 * EventEmitter's `_events`: the listeners `emit` reads. Read to call a
 * request's listeners as emit does (seeing what they return) and to skip
 * events nobody listens to; written to stand in for the listeners for one
 * call beside instrumentation-http. Without it: no listener would be found.
 */
export function listenerSlot(emitter: EventEmitter, event: string | symbol): ListenerSlot {
  return (emitter as EmitterInternals)._events?.[event];
}

export function setListenerSlot(emitter: EventEmitter, event: string, slot: ListenerSlot): void {
  const events = (emitter as EmitterInternals)._events;
  if (events !== undefined) events[event] = slot;
}

/**
 * The private symbol under which an emitter keeps its `captureRejections`
 * choice (events.js `kCapture`), found by its description. Without it: a
 * listener's rejection is treated as without captureRejections.
 */
export const kCapture: symbol | undefined = Object.getOwnPropertySymbols(EventEmitter.prototype).find(
  symbol => symbol.description === 'kCapture'
);

/** Whether this emitter turns its listeners' rejections into 'error' (or Symbol.for('nodejs.rejection')). */
export function capturesRejections(emitter: EventEmitter): boolean {
  return kCapture !== undefined && (emitter as unknown as Record<symbol, unknown>)[kCapture] === true;
}

/**
 * `ServerResponse._header`: the header block Node wrote (`headersSent` is
 * `!!this._header`). The only place headers given to writeHead() alone can
 * be read back. Without it: response headers come from getHeader().
 */
export function sentHeaderBlock(response: object): string | undefined {
  const block = (response as { _header?: unknown })._header;
  return typeof block === 'string' && block !== '' ? block : undefined;
}

/**
 * Node's HTTP/2 server classes are not exported: a server object that never
 * listens shows their prototypes. Without them: HTTP/2 servers are not
 * instrumented (the constructor would throw first).
 */
export const HTTP2_SERVER_PROTOTYPE = Object.getPrototypeOf(http2.createServer()) as object;
export const HTTP2_SECURE_SERVER_PROTOTYPE = Object.getPrototypeOf(http2.createSecureServer()) as object;

/**
 * The keys the API stores the active span and the RPC metadata under, seen
 * by handing it a context that records its setValue. Without them: the
 * request context is built with the API's own (slower) calls.
 */
export const SPAN_CONTEXT_KEY = keyWrittenBy(context =>
  trace.setSpan(context, trace.wrapSpanContext(INVALID_SPAN_CONTEXT))
);
export const RPC_METADATA_CONTEXT_KEY = keyWrittenBy(context =>
  setRPCMetadata(context, { type: RPCType.HTTP, span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT) })
);

/**
 * The API's no-op tracer provider, as the global proxy's delegate before
 * any provider is registered. Without it: every request takes the traced
 * path (correct, only slower when nothing is traced).
 */
export const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Where the API keeps its globals (`Symbol.for('opentelemetry.js.api.1')`),
 * and in it `diag` once a logger is registered (diag.setLogger, NodeSDK with
 * OTEL_LOG_LEVEL). Read to tell whether a receiver's failure would reach
 * anyone. Without it: receiver failures go to diag only, silent without a logger.
 */
export function diagLoggerRegistered(): boolean {
  const api = (globalThis as Record<symbol, { diag?: unknown } | undefined>)[Symbol.for('opentelemetry.js.api.1')];
  return api?.diag !== undefined;
}

/**
 * The class of the API's no-op histograms: an instrument of that class
 * means no MeterProvider, and no metric work per request. Without it:
 * metric attributes are built for nothing.
 */
export const NOOP_HISTOGRAM_CLASS: unknown = createNoopMeter().createHistogram('noop').constructor;

function keyWrittenBy(write: (context: Context) => Context): symbol | undefined {
  let written: symbol | undefined;
  const recorder: Context = {
    getValue: () => undefined,
    setValue(key: symbol) {
      written = key;
      return recorder;
    },
    deleteValue: () => recorder,
  };
  write(recorder);
  return written;
}
