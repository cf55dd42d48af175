// The least a SERVER span can cost: the hand-written span of _minimal-span.ts
// with six attributes, around the same listener. Same SDK setup.
import { requireHttp, serve, setUpSdk } from './_common';
import { withMinimalSpan } from './_minimal-span';

const tracer = setUpSdk().getTracer('minimal-span');
let tracing = true;

serve(requireHttp(), {
  wrap: listener => withMinimalSpan(tracer, listener, { isTracing: () => tracing }),
  switchTo: on => (tracing = on),
});
