/*
 * Compile fixture (test/module-types.test.ts): an ES module consumer, with
 * moduleResolution node16, importing the package by name (a self-reference).
 */
import signals, { RequestSignalsInstrumentation, Signal, receiver, requestStarted } from 'otel-request-signals';
import type { RequestSignalsInstrumentationConfig, RequestStartedKwargs } from 'otel-request-signals';
import 'otel-request-signals/register';
// @ts-expect-error: the types are the package's, not `any`: a name it does not export is refused
import { notExported } from 'otel-request-signals';

const config: RequestSignalsInstrumentationConfig = { signalsForIgnored: false };
export const instrumentation = new RequestSignalsInstrumentation(config);
export const custom = new Signal<{ orderId: string }>();
export const paths = receiver(requestStarted)((_server, kwargs: RequestStartedKwargs) => kwargs.environ.PATH_INFO);
export const sameSignal: boolean = signals.requestStarted === requestStarted;
// @ts-expect-error: the default export is the CommonJS module, with the same names only
export const missing: unknown = signals.notExported;
export { notExported };
