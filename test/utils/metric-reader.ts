import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';

/** A pull reader: the test collects when it wants to look. */
export class TestMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** A MeterProvider whose metrics the test reads by name. */
export class TestMeters {
  readonly reader = new TestMetricReader();
  readonly provider = new MeterProvider({ readers: [this.reader] });

  async metric(name: string, scopeName = 'otel-request-signals'): Promise<MetricData | undefined> {
    const { resourceMetrics } = await this.reader.collect();
    return resourceMetrics.scopeMetrics
      .filter(scope => scope.scope.name === scopeName)
      .flatMap(scope => scope.metrics)
      .find(m => m.descriptor.name === name);
  }

  /** The values of a metric's data points (for the active-requests gauge: one per attribute set). */
  async values(name: string): Promise<unknown[]> {
    return (await this.metric(name))?.dataPoints.map(point => point.value) ?? [];
  }
}
