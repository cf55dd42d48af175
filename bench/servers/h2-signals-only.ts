// signals-only on HTTP/2: RequestSignalsInstrumentation without a tracer
// provider, one receiver on each signal, h2c compatibility API.
import { RequestSignalsInstrumentation } from '../../src';
import { connectReceivers } from './_common';
import { serveH2 } from './_h2';

const instrumentation = new RequestSignalsInstrumentation();
connectReceivers(1);
serveH2({ instrumentations: [instrumentation] });
