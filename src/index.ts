export { Signal } from './signals/signal';
export type {
  ConnectOptions,
  DisconnectOptions,
  DispatchUid,
  Receiver,
  ReceiverKwargs,
  SendResponses,
  SignalOptions,
} from './signals/signal';
export { receiver } from './signals/receiver';
export { requestStarted, requestFinished, gotRequestException } from './signals/request-signals';
export type {
  Environ,
  GotRequestExceptionKwargs,
  Http2StreamRequest,
  Http2StreamResponse,
  RequestFinishedKwargs,
  RequestKwargs,
  RequestSender,
  RequestStartedKwargs,
  ServerRequest,
  ServerResponseOf,
} from './signals/request-signals';
export { RequestSignalsInstrumentation } from './instrumentation';
export type {
  IgnoreMatcher,
  RequestHook,
  RequestSignalsInstrumentationConfig,
  ResponseHook,
  SpanNameHook,
  SpanNameInfo,
  StartIncomingSpanHook,
} from './types';
export { reportRequestException, setRoute } from './frameworks/reporting';
export { shutdownBeforeExit } from './shutdown-before-exit';
export type { ShutsDown } from './shutdown-before-exit';
