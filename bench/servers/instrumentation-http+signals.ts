// instrumentation-http and RequestSignalsInstrumentation together, one
// receiver on each signal. Both are registered before http is required, so
// instrumentation-http wraps emit outside ours: it starts the SERVER span
// and ours adopts it (one span per request).
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { RequestSignalsInstrumentation } from '../../src';
import { connectReceivers, requireHttp, serve, setUpSdk } from './_common';

const tracerProvider = setUpSdk();
const instrumentations = [new HttpInstrumentation(), new RequestSignalsInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
connectReceivers(1);
serve(requireHttp(), { instrumentations });
