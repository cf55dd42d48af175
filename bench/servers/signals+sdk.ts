// RequestSignalsInstrumentation with the SDK (BatchSpanProcessor, discarding
// exporter), one receiver on each signal.
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { RequestSignalsInstrumentation } from '../../src';
import { connectReceivers, requireHttp, serve, setUpSdk } from './_common';

const tracerProvider = setUpSdk();
const instrumentations = [new RequestSignalsInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
connectReceivers(1);
serve(requireHttp(), { instrumentations });
