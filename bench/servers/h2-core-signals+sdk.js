'use strict';
// signals+sdk on the HTTP/2 core API: a 'stream' listener that calls
// stream.respond() itself; otherwise as h2-signals+sdk.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { RequestSignalsInstrumentation } = require('otel-request-signals');
const { connectReceivers, setUpSdk } = require('./_common');
const { serveH2Streams } = require('./_h2');

const tracerProvider = setUpSdk();
const instrumentations = [new RequestSignalsInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
connectReceivers(1);
serveH2Streams({ instrumentations });
