'use strict';
// No OpenTelemetry at all: the baseline every overhead is measured from.
const { serve } = require('./_common');

serve(require('http'));
