import * as assert from 'assert';
import { ROOT_CONTEXT, createContextKey, trace } from '@opentelemetry/api';
import { RPCType, getRPCMetadata, isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { requestContext } from '../src/request/context';

describe('requestContext: the span and RPC metadata on top of the parent, without copying it', () => {
  const tracer = new BasicTracerProvider().getTracer('test');
  const PARENT_KEY = createContextKey('parent value');
  const parent = ROOT_CONTEXT.setValue(PARENT_KEY, 'from the parent');
  const span = tracer.startSpan('request');
  const context = requestContext(parent, span);

  it("makes the span the context's span", () => {
    assert.equal(trace.getSpan(context), span);
  });

  it("names the span the request's HTTP span in the RPC metadata", () => {
    const metadata = getRPCMetadata(context);
    assert.equal(metadata?.type, RPCType.HTTP);
    assert.equal(metadata?.span, span);
  });

  it('answers every other key from the parent', () => {
    assert.equal(context.getValue(PARENT_KEY), 'from the parent');
    assert.equal(context.getValue(createContextKey('absent')), undefined);
  });

  it("derives contexts that keep the span, the metadata and the parent's values", () => {
    const OTHER = createContextKey('other');
    const derived = context.setValue(OTHER, 42);
    assert.equal(derived.getValue(OTHER), 42);
    assert.equal(trace.getSpan(derived), span);
    assert.equal(getRPCMetadata(derived), getRPCMetadata(context));
    assert.equal(derived.getValue(PARENT_KEY), 'from the parent');
    assert.equal(context.getValue(OTHER), undefined, 'contexts are immutable');
  });

  it('derives contexts without a value on deleteValue, including its own keys', () => {
    assert.equal(context.deleteValue(PARENT_KEY).getValue(PARENT_KEY), undefined);
    assert.equal(trace.getSpan(trace.deleteSpan(context)), undefined);
    assert.equal(trace.getSpan(context), span);
  });

  it('lets a child span replace the active span', () => {
    const child = tracer.startSpan('child', {}, context);
    const childContext = trace.setSpan(context, child);
    assert.equal(trace.getSpan(childContext), child);
    assert.equal(child.spanContext().traceId, span.spanContext().traceId);
    assert.equal(getRPCMetadata(childContext)?.span, span);
  });

  it('carries suppression from the parent and into derived contexts', () => {
    assert.equal(isTracingSuppressed(context), false);
    assert.equal(isTracingSuppressed(suppressTracing(context)), true);
    assert.equal(isTracingSuppressed(requestContext(suppressTracing(ROOT_CONTEXT), span)), true);
  });

  it('shares one metadata object, so a route a framework writes into it is seen through both', () => {
    const metadata = getRPCMetadata(context)!;
    const derived = context.setValue(createContextKey('x'), 1);
    metadata.route = '/users/:id';
    assert.equal(getRPCMetadata(derived)?.route, '/users/:id');
  });
});
