/*
 * Compile fixture (test/module-types.test.ts): a CommonJS consumer, with
 * moduleResolution node16, importing the package by name (a self-reference).
 */
import { RequestSignalsInstrumentation, Signal, receiver, requestStarted } from 'otel-request-signals';
import type { RequestSignalsInstrumentationConfig, RequestStartedKwargs } from 'otel-request-signals';
import 'otel-request-signals/register';

const config: RequestSignalsInstrumentationConfig = { signalsForIgnored: false };
export const instrumentation = new RequestSignalsInstrumentation(config);
export const custom = new Signal<{ orderId: string }>();
export const paths = receiver(requestStarted)((_server, kwargs: RequestStartedKwargs) => kwargs.environ.PATH_INFO);
