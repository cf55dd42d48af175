'use strict';
// RequestSignalsInstrumentation with the SDK (BatchSpanProcessor, discarding
// exporter), one receiver on each signal.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { RequestSignalsInstrumentation } = require('otel-request-signals');
const { connectReceivers, serve, setUpSdk } = require('./_common');

const tracerProvider = setUpSdk();
const instrumentations = [new RequestSignalsInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
connectReceivers(1);
serve(require('http'), { instrumentations });
