// As signals+sdk, with ten receivers on each signal.
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { RequestSignalsInstrumentation } from '../../src';
import { connectReceivers, requireHttp, serve, setUpSdk } from './_common';

const tracerProvider = setUpSdk();
const instrumentations = [new RequestSignalsInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
connectReceivers(10);
serve(requireHttp(), { instrumentations });
