'use strict';
// The least a SERVER span can cost: the hand-written span of _minimal-span.js
// with six attributes, around the same listener. Same SDK setup.
const { serve, setUpSdk } = require('./_common');
const { withMinimalSpan } = require('./_minimal-span');

const tracer = setUpSdk().getTracer('minimal-span');
let tracing = true;

serve(require('http'), {
  wrap: listener => withMinimalSpan(tracer, listener, { isTracing: () => tracing }),
  switchTo: on => (tracing = on),
});
