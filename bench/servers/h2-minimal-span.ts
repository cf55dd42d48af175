// The hand-written minimal span of _minimal-span.ts (six attributes) around
// the 'request' listener of an h2c compatibility server. Same SDK setup.
import { setUpSdk } from './_common';
import { serveH2 } from './_h2';
import { withMinimalSpan } from './_minimal-span';

const tracer = setUpSdk().getTracer('minimal-span');
let tracing = true;

serveH2({
  wrap: listener => withMinimalSpan(tracer, listener, { isTracing: () => tracing }),
  switchTo: on => (tracing = on),
});
