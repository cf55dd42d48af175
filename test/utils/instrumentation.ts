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
