'use strict';
// signals-only on HTTP/2: RequestSignalsInstrumentation without a tracer
// provider, one receiver on each signal, h2c compatibility API.
const { RequestSignalsInstrumentation } = require('otel-request-signals');
const { connectReceivers } = require('./_common');
const { serveH2 } = require('./_h2');

const instrumentation = new RequestSignalsInstrumentation();
connectReceivers(1);
serveH2({ instrumentations: [instrumentation] });
