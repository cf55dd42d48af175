// @opentelemetry/instrumentation-http with the same SDK setup, registered
// before http is required.
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { requireHttp, serve, setUpSdk } from './_common';

const tracerProvider = setUpSdk();
const instrumentations = [new HttpInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
serve(requireHttp(), { instrumentations });
