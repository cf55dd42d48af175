/*
 * The context a traced request runs in: its parent (extracted from the
 * headers) plus the SERVER span and the RPC metadata. trace.setSpan and
 * setRPCMetadata would each copy the parent's Map into a new BaseContext with
 * three closures of its own: about 500 bytes each, measured, on every request.
 * This one object answers those two keys itself and defers every other key to
 * the parent. Contexts are immutable, so setValue and deleteValue derive the
 * API's own context (built once, on first use), as if we had used the API.
 * Also here: the two questions asked of a context per request.
 */
import { Context, Span, context, trace } from '@opentelemetry/api';
import { RPCMetadata, RPCType, getRPCMetadata, setRPCMetadata } from '@opentelemetry/core';
import { RPC_METADATA_CONTEXT_KEY, SPAN_CONTEXT_KEY } from '../internals/node-and-opentelemetry';
import type { RequestRecord } from './record';

class RequestContext implements Context {
  private derivable: Context | undefined;

  constructor(
    private readonly parent: Context,
    private readonly span: Span,
    private readonly rpcMetadata: RPCMetadata
  ) {}

  getValue(key: symbol): unknown {
    if (key === SPAN_CONTEXT_KEY) return this.span;
    if (key === RPC_METADATA_CONTEXT_KEY) return this.rpcMetadata;
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.asApiContext().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.asApiContext().deleteValue(key);
  }

  private asApiContext(): Context {
    this.derivable ??= setRPCMetadata(trace.setSpan(this.parent, this.span), this.rpcMetadata);
    return this.derivable;
  }
}

/** `parent` with `span` active and RPC metadata naming it the request's HTTP span. */
export function requestContext(parent: Context, span: Span): Context {
  const rpcMetadata: RPCMetadata = { type: RPCType.HTTP, span };
  if (SPAN_CONTEXT_KEY === undefined || RPC_METADATA_CONTEXT_KEY === undefined) {
    return setRPCMetadata(trace.setSpan(parent, span), rpcMetadata);
  }
  return new RequestContext(parent, span, rpcMetadata);
}

/** The SERVER span instrumentation-http (or any instrumentation using RPC metadata) opened for this request. */
export function foreignServerSpan(active: Context): Span | undefined {
  const metadata = getRPCMetadata(active);
  return metadata?.type === RPCType.HTTP ? metadata.span : undefined;
}

/** Whether running in the request's context means entering it: not when nothing is traced, or when it is active. */
export function needsToEnter(record: RequestRecord): boolean {
  return record.mode !== 'signals-only' && context.active() !== record.context;
}
