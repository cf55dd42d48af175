// signals+sdk on HTTP/2: RequestSignalsInstrumentation with the SDK
// (BatchSpanProcessor, discarding exporter), one receiver on each signal,
// h2c compatibility API.
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { RequestSignalsInstrumentation } from '../../src';
import { connectReceivers, setUpSdk } from './_common';
import { serveH2 } from './_h2';

const tracerProvider = setUpSdk();
const instrumentations = [new RequestSignalsInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
connectReceivers(1);
serveH2({ instrumentations });
