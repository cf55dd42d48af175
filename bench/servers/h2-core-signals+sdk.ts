// signals+sdk on the HTTP/2 core API: a 'stream' listener that calls
// stream.respond() itself; otherwise as h2-signals+sdk.
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { RequestSignalsInstrumentation } from '../../src';
import { connectReceivers, setUpSdk } from './_common';
import { serveH2Streams } from './_h2';

const tracerProvider = setUpSdk();
const instrumentations = [new RequestSignalsInstrumentation()];
registerInstrumentations({ tracerProvider, instrumentations });
connectReceivers(1);
serveH2Streams({ instrumentations });
