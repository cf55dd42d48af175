'use strict';
// instrumentation-http and RequestSignalsInstrumentation together, one
// receiver on each signal. Both are registered before http is required, so
// instrumentation-http wraps emit outside ours: it starts the SERVER span
// and ours adopts it (one span per request).
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { RequestSignalsInstrumentation } = require('otel-request-signals');
const { connectReceivers, serve, setUpSdk } = require('./_common');

const tracerProvider = setUpSdk();
const instrumentations = [new HttpInstrumentation(), new RequestSignalsInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
connectReceivers(1);
serve(require('http'), { instrumentations });
