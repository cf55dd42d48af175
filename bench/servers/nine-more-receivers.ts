// signals+sdk with one receiver on each signal; switching "on" connects nine
// more to each, so the paired in-memory overhead is what receivers 2 to 10 cost.
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { RequestSignalsInstrumentation } from '../../src';
import { connectReceivers, requireHttp, serve, setUpSdk } from './_common';

const tracerProvider = setUpSdk();
registerInstrumentations({ tracerProvider, instrumentations: [new RequestSignalsInstrumentation()] });
connectReceivers(1);
let disconnectNine: (() => void) | undefined;
serve(requireHttp(), {
  switchTo: on => {
    if (on && disconnectNine === undefined) disconnectNine = connectReceivers(9);
    if (!on && disconnectNine !== undefined) disconnectNine = void disconnectNine();
  },
});
