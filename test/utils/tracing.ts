import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** The real SDK, registered globally once per test process, exporting to memory. */
export const exporter = new InMemorySpanExporter();
let provider: NodeTracerProvider | undefined;

export function registerTracing(): InMemorySpanExporter {
  if (provider === undefined) {
    provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
  }
  return exporter;
}

/** Resolves once `count` spans have ended (a span ends a tick after its response). */
export async function waitForSpans(count: number, timeoutMs = 5000): Promise<ReadableSpan[]> {
  const deadline = Date.now() + timeoutMs;
  while (exporter.getFinishedSpans().length < count) {
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} ended spans, got ${exporter.getFinishedSpans().length}`);
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  return exporter.getFinishedSpans();
}

export function serverSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans().filter(span => span.kind === SpanKind.SERVER);
}
