/*
 * End to end: an app (test/fixtures/otlp-app.js) registers the instrumentation
 * with NodeSDK and exports through the real OTLP/HTTP exporters, once as
 * OTLP/JSON and once as OTLP/protobuf, to a receiver this test runs on
 * 127.0.0.1, which decodes what arrives with the published OTLP schema.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ExportedSpan, OtlpReceiver, startOtlpReceiver } from './utils/otlp-receiver';
import { runOtlpApp } from './utils/otlp-app';

const RUNS = [
  {
    protocol: 'json',
    exporter: '@opentelemetry/exporter-trace-otlp-http',
    contentType: 'application/json',
    serviceName: { how: 'OTEL_SERVICE_NAME', name: 'checkout-json', args: [], env: { OTEL_SERVICE_NAME: 'checkout-json' } },
  },
  {
    protocol: 'protobuf',
    exporter: '@opentelemetry/exporter-trace-otlp-proto',
    contentType: 'application/x-protobuf',
    serviceName: { how: "NodeSDK's serviceName option", name: 'checkout-proto', args: ['checkout-proto'], env: {} },
  },
] as const;

for (const run of RUNS) {
  describe(`OTLP/${run.protocol} export through ${run.exporter}`, function () {
    this.timeout(20000);
    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    let receiver: OtlpReceiver;
    let checkout: ExportedSpan | undefined;
    let failing: ExportedSpan | undefined;

    before(async () => {
      receiver = await startOtlpReceiver();
      const app = await runOtlpApp([run.protocol, `00-${traceId}-${parentSpanId}-01`, ...run.serviceName.args], {
        ...run.serviceName.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      });
      assert.equal(app.code, 0, `the app exited with ${app.code}\n${app.stderr}`);
      assert.deepEqual(app.statuses, [200, 500], 'the app answered differently than it does uninstrumented');
      checkout = receiver.spans.find(span => span.attributes['url.path'] === '/checkout');
      failing = receiver.spans.find(span => span.attributes['url.path'] === '/orders/42');
    });
    after(() => receiver?.close());

    it(`posts to /v1/traces as ${run.contentType}, which the receiver decodes with the OTLP schema`, () => {
      assert.ok(receiver.requests.length >= 1, 'nothing was exported');
      for (const request of receiver.requests) {
        assert.deepEqual(
          { method: request.method, path: request.path, contentType: request.contentType?.split(';')[0], error: request.error },
          { method: 'POST', path: '/v1/traces', contentType: run.contentType, error: undefined }
        );
      }
    });

    it('exports exactly one span per request, of kind SERVER', () => {
      assert.deepEqual(
        receiver.spans.map(span => [span.attributes['url.path'], span.kind]),
        [
          ['/checkout', 'SPAN_KIND_SERVER'],
          ['/orders/42', 'SPAN_KIND_SERVER'],
        ]
      );
    });

    it('continues the trace of the incoming traceparent', () => {
      assert.deepEqual(
        { traceId: checkout?.traceId, parentSpanId: checkout?.parentSpanId },
        { traceId, parentSpanId }
      );
    });

    it('starts a new trace for a request without a traceparent', () => {
      assert.equal(failing?.parentSpanId, '');
      assert.match(failing?.traceId ?? '', /^[0-9a-f]{32}$/);
      assert.notEqual(failing?.traceId, traceId);
    });

    it('carries the attribute a requestFinished receiver set on kwargs.span', () => {
      assert.deepEqual(
        [checkout?.attributes['app.status_class'], failing?.attributes['app.status_class']],
        ['2xx', '5xx']
      );
    });

    it("records the listener's rejection as an exception event, with status ERROR", () => {
      const exceptions = failing?.events
        .filter(event => event.name === 'exception')
        .map(event => [event.attributes['exception.type'], event.attributes['exception.message']]);
      assert.deepEqual(exceptions, [['OrderLookupError', 'order 42 not found']]);
      assert.equal(failing?.status.code, 'STATUS_CODE_ERROR');
    });

    it('records nothing on the request that succeeded', () => {
      assert.deepEqual(checkout?.events, []);
      assert.equal(checkout?.status.code, 'STATUS_CODE_UNSET');
    });

    it(`exports the resource's service.name set through ${run.serviceName.how}`, () => {
      assert.ok(receiver.spans.length > 0, 'nothing was exported');
      for (const span of receiver.spans) assert.equal(span.resource['service.name'], run.serviceName.name);
    });
  });
}
