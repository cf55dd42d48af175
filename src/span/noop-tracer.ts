/*
 * Whether spans would go nowhere: the tracer is the API's proxy and no
 * TracerProvider is registered behind it. Then a request needs no attributes,
 * no parent extraction and no span; its receivers get NON_RECORDING_SPAN.
 * Checked per request, since NodeSDK may register a provider at any time.
 */
import { INVALID_SPAN_CONTEXT, ProxyTracer, ProxyTracerProvider, Tracer, trace } from '@opentelemetry/api';
import { NOOP_TRACER_PROVIDER } from '../internals/node-and-opentelemetry';

/** The span receivers get when nothing is traced: non-recording, invalid context, shared. */
export const NON_RECORDING_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export function isNoopTracer(tracer: Tracer): boolean {
  if (!(tracer instanceof ProxyTracer)) return false;
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_TRACER_PROVIDER;
}
