// RequestSignalsInstrumentation without a tracer provider (non-recording spans,
// no context manager), one receiver on each signal.
import { RequestSignalsInstrumentation } from '../../src';
import { connectReceivers, requireHttp, serve } from './_common';

const instrumentation = new RequestSignalsInstrumentation();
connectReceivers(1);
serve(requireHttp(), { instrumentations: [instrumentation] });
