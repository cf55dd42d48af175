import { RequestSignalsInstrumentation } from '../../src';
import { TestMeters } from './metric-reader';
import { disconnectAll } from './receivers';
import { exporter, registerTracing } from './tracing';

/** One instance for the whole test process; each suite enables it for its own tests. */
export const instrumentation = new RequestSignalsInstrumentation({ enabled: false });

/** Mocha hooks: the SDK and the instrumentation for this suite, a clean slate per test. */
export function useInstrumentation(): void {
  before(() => {
    registerTracing();
    instrumentation.enable();
  });
  after(() => instrumentation.disable());
  afterEach(() => {
    disconnectAll();
    exporter.reset();
  });
}

/**
 * Mocha hooks for suites whose tests configure and enable the shared instance
 * themselves: each test ends disabled, with the default configuration.
 */
export function useConfigurableInstrumentation(): void {
  before(() => registerTracing());
  afterEach(() => {
    instrumentation.setConfig({ enabled: false });
    instrumentation.disable();
    disconnectAll();
    exporter.reset();
  });
}

/**
 * Mocha hooks for suites that read the metrics: before each test a fresh
 * MeterProvider for the shared instance, enabled; returns the current one.
 */
export function useMeteredInstrumentation(): () => TestMeters {
  let meters: TestMeters;
  before(() => registerTracing());
  beforeEach(() => {
    meters = new TestMeters();
    instrumentation.setMeterProvider(meters.provider);
    instrumentation.enable();
  });
  afterEach(async () => {
    instrumentation.disable();
    disconnectAll();
    exporter.reset();
    await meters.provider.shutdown();
  });
  return () => meters;
}
