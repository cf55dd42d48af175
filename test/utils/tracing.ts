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
export function waitForSpans(count: number, timeoutMs = 5000): Promise<ReadableSpan[]> {
  return waitFor(() => exporter.getFinishedSpans(), count, 'ended spans', timeoutMs);
}

/** Resolves once `count` SERVER spans have ended (other spans of a request may end before them). */
export function waitForServerSpans(count: number): Promise<ReadableSpan[]> {
  return waitFor(serverSpans, count, 'SERVER spans', 5000);
}

export function serverSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans().filter(span => span.kind === SpanKind.SERVER);
}

async function waitFor(
  spans: () => ReadableSpan[],
  count: number,
  what: string,
  timeoutMs: number
): Promise<ReadableSpan[]> {
  const deadline = Date.now() + timeoutMs;
  while (spans().length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} ${what}, got ${spans().length}`);
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  return spans();
}
