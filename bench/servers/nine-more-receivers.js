'use strict';
// signals+sdk with one receiver on each signal; switching "on" connects nine
// more to each, so the paired in-memory overhead is what receivers 2 to 10 cost.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { RequestSignalsInstrumentation } = require('otel-request-signals');
const { connectReceivers, serve, setUpSdk } = require('./_common');

const tracerProvider = setUpSdk();
registerInstrumentations({ tracerProvider, instrumentations: [new RequestSignalsInstrumentation()] });
connectReceivers(1);
let disconnectNine;
serve(require('http'), {
  switchTo: on => {
    if (on && disconnectNine === undefined) disconnectNine = connectReceivers(9);
    if (!on && disconnectNine !== undefined) disconnectNine = void disconnectNine();
  },
});
