'use strict';
// As signals+sdk, with ten receivers on each signal.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { RequestSignalsInstrumentation } = require('otel-request-signals');
const { connectReceivers, serve, setUpSdk } = require('./_common');

const tracerProvider = setUpSdk();
const instrumentations = [new RequestSignalsInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
connectReceivers(10);
serve(require('http'), { instrumentations });
