'use strict';
// signals+sdk on HTTP/2: RequestSignalsInstrumentation with the SDK
// (BatchSpanProcessor, discarding exporter), one receiver on each signal,
// h2c compatibility API.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { RequestSignalsInstrumentation } = require('otel-request-signals');
const { connectReceivers, setUpSdk } = require('./_common');
const { serveH2 } = require('./_h2');

const tracerProvider = setUpSdk();
const instrumentations = [new RequestSignalsInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
connectReceivers(1);
serveH2({ instrumentations });
