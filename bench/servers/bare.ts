// No OpenTelemetry at all: the baseline every overhead is measured from.
import { requireHttp, serve } from './_common';

serve(requireHttp());
