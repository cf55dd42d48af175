// ESM entry: re-exports the CommonJS build so both module systems share one
// instance of every signal and of the instrumentation's state.
import cjs from './index.js';

export const {
  Signal,
  receiver,
  requestStarted,
  requestFinished,
  gotRequestException,
  RequestSignalsInstrumentation,
  reportRequestException,
  setRoute,
} = cjs;
export default cjs;
