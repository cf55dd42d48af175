// ESM entry of the zero-code start: node --import otel-request-signals/register app.mjs
// First registers the loader hook of @opentelemetry/instrumentation
// (import-in-the-middle), so that the ES modules the application imports
// afterwards (Hono, NestJS 12, …) can be patched; then runs the CommonJS
// register, which starts the SDK. Both entries share that one module, so
// loading both (--require and --import) still starts one SDK.
import { createRequire, register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
createRequire(import.meta.url)('./register.js');
