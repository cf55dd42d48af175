'use strict';
// @opentelemetry/instrumentation-http with the same SDK setup, registered
// before http is required.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { serve, setUpSdk } = require('./_common');

const tracerProvider = setUpSdk();
const instrumentations = [new HttpInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
serve(require('http'), { instrumentations });
