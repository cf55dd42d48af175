'use strict';
// @opentelemetry/instrumentation-http with the same SDK setup, registered
// before http is required.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { serve, setUpSdk } = require('./_common');

const tracerProvider = setUpSdk();
registerInstrumentations({ tracerProvider, instrumentations: [new HttpInstrumentation()] });
serve(require('http'));
