export { Signal } from './signal';
export type {
  ConnectOptions,
  DisconnectOptions,
  DispatchUid,
  Receiver,
  ReceiverKwargs,
  SendResponses,
  SignalOptions,
} from './signal';
export { receiver } from './receiver';
export { requestStarted, requestFinished, gotRequestException } from './request-signals';
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
} from './request-signals';
export { RequestSignalsInstrumentation } from './instrumentation';
export type { RequestSignalsInstrumentationConfig } from './types';
export { reportRequestException, setRoute } from './request-reporting';
