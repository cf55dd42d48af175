'use strict';
// RequestSignalsInstrumentation without a tracer provider (non-recording spans,
// no context manager), one receiver on each signal.
const { RequestSignalsInstrumentation } = require('otel-request-signals');
const { connectReceivers, serve } = require('./_common');

const instrumentation = new RequestSignalsInstrumentation();
connectReceivers(1);
serve(require('http'), { instrumentations: [instrumentation] });
