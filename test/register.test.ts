/*
 * Zero-code start: applications with no telemetry code, started with
 *   node --require otel-request-signals/register app.js
 *   node --import otel-request-signals/register app.mjs
 * and configured by the standard OTEL_* variables only, exporting over
 * OTLP/HTTP to a receiver on 127.0.0.1, with the auto-instrumentations
 * installed (this project's node_modules). Each app runs in a child process
 * (test/fixtures/register) until a signal ends it.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { ExportedSpan } from './utils/otlp-receiver';
import { RegisteredRun, SERVICE_NAME, runRegisteredApp } from './utils/registered-app';
import { startAtOnce } from './utils/run-fixture';
import { FIXTURES } from './utils/server';

const APPS = path.join(FIXTURES, 'register');

const serverSpan = (spans: ExportedSpan[], urlPath: string) =>
  spans.find(span => span.kind === 'SPAN_KIND_SERVER' && span.attributes['url.path'] === urlPath);

const traceId = randomBytes(16).toString('hex');
const parentSpanId = randomBytes(8).toString('hex');

describe('zero-code start', function () {
  this.timeout(30000);
  // Both apps at once.
  const runs = startAtOnce<RegisteredRun>({
    require: () =>
      runRegisteredApp({
        args: ['--require', 'otel-request-signals/register', 'app.js'],
        cwd: APPS,
        requests: [
          { path: '/checkout', headers: { traceparent: `00-${traceId}-${parentSpanId}-01` } },
          { path: '/orders/42' },
        ],
        signal: 'SIGTERM',
      }),
    import: () =>
      runRegisteredApp({
        args: ['--import', 'otel-request-signals/register', 'app.mjs'],
        cwd: APPS,
        requests: [{ path: '/users/7' }, { path: '/fail' }],
        signal: 'SIGINT',
      }),
  });

  describe('node --require otel-request-signals/register app.js, ended by SIGTERM', () => {
    let run: RegisteredRun;
    before(async () => (run = await runs.require));

    it('answers as the app does without telemetry', () => {
      assert.deepEqual(run.statuses, [200, 500], run.exit.stderr);
    });

    it('still ends by SIGTERM, as a process without a SIGTERM listener does', () => {
      assert.deepEqual(
        { code: run.exit.code, signal: run.exit.signal },
        { code: null, signal: 'SIGTERM' },
        run.exit.stderr
      );
    });

    it('exports the spans of every request, the last one included, before the process exits', () => {
      assert.deepEqual(
        run.exit.atExit.filter(span => span.kind === 'SPAN_KIND_SERVER').map(span => span.attributes['url.path']),
        ['/checkout', '/orders/42']
      );
    });

    it("exports one SERVER span per request, this package's, not instrumentation-http's", () => {
      assert.deepEqual(
        run.spans
          .filter(span => span.kind === 'SPAN_KIND_SERVER')
          .map(span => [span.attributes['url.path'], span.scope]),
        [
          ['/checkout', 'otel-request-signals'],
          ['/orders/42', 'otel-request-signals'],
        ]
      );
    });

    it('fires the signals with the exported span: the receivers marked it', () => {
      const [checkout, failing] = [serverSpan(run.spans, '/checkout'), serverSpan(run.spans, '/orders/42')];
      assert.deepEqual(
        [
          checkout?.attributes['app.status_class'],
          failing?.attributes['app.status_class'],
          failing?.attributes['app.alerted'],
        ],
        ['2xx', '5xx', 'order 42 not found']
      );
    });

    it("records the listener's rejection as an exception event", () => {
      const failing = serverSpan(run.spans, '/orders/42');
      assert.deepEqual(
        failing?.events.filter(event => event.name === 'exception').map(event => event.attributes['exception.type']),
        ['OrderLookupError']
      );
      assert.equal(failing?.status.code, 'STATUS_CODE_ERROR');
    });

    it('continues the trace of the incoming traceparent (OTEL_PROPAGATORS default)', () => {
      const checkout = serverSpan(run.spans, '/checkout');
      assert.deepEqual([checkout?.traceId, checkout?.parentSpanId], [traceId, parentSpanId]);
    });

    it("exports a CLIENT span from instrumentation-http for the outgoing request, under the request's span", () => {
      const checkout = serverSpan(run.spans, '/checkout');
      const clients = run.spans.filter(span => span.kind === 'SPAN_KIND_CLIENT');
      assert.deepEqual(
        clients.map(span => [span.scope, span.traceId, span.parentSpanId]),
        [['@opentelemetry/instrumentation-http', traceId, checkout?.spanId]]
      );
      assert.equal(run.upstreamRequests[0]?.traceparent, `00-${traceId}-${clients[0].spanId}-01`);
    });

    it('names the service from OTEL_SERVICE_NAME', () => {
      assert.ok(run.spans.length > 0, 'nothing was exported');
      assert.deepEqual([...new Set(run.spans.map(span => span.resource['service.name']))], [SERVICE_NAME]);
    });
  });

  describe('node --import otel-request-signals/register app.mjs (Hono, ES modules), ended by SIGINT', () => {
    let run: RegisteredRun;
    before(async () => (run = await runs.import));

    it('answers as the app does without telemetry', () => {
      assert.deepEqual(run.statuses, [200, 500], run.exit.stderr);
    });

    it('still ends by SIGINT', () => {
      assert.deepEqual(
        { code: run.exit.code, signal: run.exit.signal },
        { code: null, signal: 'SIGINT' },
        run.exit.stderr
      );
    });

    it('registered the ESM loader hook: the SERVER spans are named by the Hono route', () => {
      assert.deepEqual(
        run.exit.atExit.filter(span => span.kind === 'SPAN_KIND_SERVER').map(span => [span.name, span.scope]),
        [
          ['GET /users/:id', 'otel-request-signals'],
          ['GET /fail', 'otel-request-signals'],
        ]
      );
    });

    it('fires gotRequestException and requestFinished with the exported spans', () => {
      const [user, failing] = [serverSpan(run.spans, '/users/7'), serverSpan(run.spans, '/fail')];
      assert.deepEqual(
        [
          user?.attributes['app.status_class'],
          failing?.attributes['app.status_class'],
          failing?.attributes['app.alerted'],
        ],
        ['2xx', '5xx', 'route failure']
      );
    });

    it('exports a CLIENT span for the outgoing request, under the request span', () => {
      const user = serverSpan(run.spans, '/users/7');
      assert.deepEqual(
        run.spans.filter(span => span.kind === 'SPAN_KIND_CLIENT').map(span => [span.scope, span.parentSpanId]),
        [['@opentelemetry/instrumentation-http', user?.spanId]]
      );
    });

    it('names the service from OTEL_SERVICE_NAME', () => {
      assert.deepEqual([...new Set(run.spans.map(span => span.resource['service.name']))], [SERVICE_NAME]);
    });
  });
});
