import { RequestSignalsInstrumentation } from '../../src';
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
