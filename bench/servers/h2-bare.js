'use strict';
// HTTP/2 (h2c, compatibility API) without OpenTelemetry: the baseline of the HTTP/2 variants.
const { serveH2 } = require('./_h2');

serveH2();
