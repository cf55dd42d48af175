'use strict';
// The hand-written minimal span of _minimal-span.js (six attributes) around
// the 'request' listener of an h2c compatibility server. Same SDK setup.
const { setUpSdk } = require('./_common');
const { serveH2 } = require('./_h2');
const { withMinimalSpan } = require('./_minimal-span');

const tracer = setUpSdk().getTracer('minimal-span');
let tracing = true;

serveH2({
  wrap: listener => withMinimalSpan(tracer, listener, { isTracing: () => tracing }),
  switchTo: on => (tracing = on),
});
