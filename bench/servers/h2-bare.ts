// HTTP/2 (h2c, compatibility API) without OpenTelemetry: the baseline of the HTTP/2 variants.
import { serveH2 } from './_h2';

serveH2();
