/*
 * Zero-code start, configured by the standard OTEL_* variables:
 *
 *   node --require otel-request-signals/register app.js
 *   node --import otel-request-signals/register app.mjs   (register.mjs: adds the ESM loader hook)
 *
 * Starts NodeSDK with RequestSignalsInstrumentation, plus
 * getNodeAutoInstrumentations() when @opentelemetry/auto-instrumentations-node
 * is installed, and shuts it down before the process ends.
 */
import { RequestSignalsInstrumentation } from './instrumentation';
import { startFromEnvironment } from './register-sdk';
import { shutdownBeforeExit } from './shutdown-before-exit';

let instrumentation: RequestSignalsInstrumentation | undefined;
const ours = () => (instrumentation ??= new RequestSignalsInstrumentation());

const sdk = startFromEnvironment(ours);
if (sdk !== undefined) shutdownBeforeExit(sdk);
ours(); // the signals fire even when the SDK is missing or did not start
