/*
 * End to end: an app (test/fixtures/otlp-app.js) registers the instrumentation
 * with NodeSDK and exports through the real OTLP/HTTP exporters, once as
 * OTLP/JSON and once as OTLP/protobuf, to a receiver this test runs on
 * 127.0.0.1, which decodes what arrives with the published OTLP schema.
 */
import * as assert from 'node:assert/strict';
import { startOtlpReceiver } from './utils/otlp-receiver';
import { useOtlpExport } from './utils/otlp-app';

const RUNS = [
  {
    protocol: 'json',
    exporter: '@opentelemetry/exporter-trace-otlp-http',
    contentType: 'application/json',
    serviceName: {
      how: 'OTEL_SERVICE_NAME',
      name: 'checkout-json',
      args: [],
      env: { OTEL_SERVICE_NAME: 'checkout-json' },
    },
  },
  {
    protocol: 'protobuf',
    exporter: '@opentelemetry/exporter-trace-otlp-proto',
    contentType: 'application/x-protobuf',
    serviceName: { how: "NodeSDK's serviceName option", name: 'checkout-proto', args: ['checkout-proto'], env: {} },
  },
] as const;

for (const { protocol, exporter, contentType, serviceName } of RUNS) {
  describe(`OTLP/${protocol} export through ${exporter}`, function () {
    this.timeout(20000);
    const run = useOtlpExport(startOtlpReceiver, [protocol, ...serviceName.args], serviceName.env);

    it(`posts to /v1/traces as ${contentType}, which the receiver decodes with the OTLP schema`, () => {
      assert.ok(run.receiver.requests.length >= 1, 'nothing was exported');
      for (const request of run.receiver.requests) {
        assert.deepEqual(
          {
            method: request.method,
            path: request.path,
            contentType: request.contentType?.split(';')[0],
            error: request.error,
          },
          { method: 'POST', path: '/v1/traces', contentType, error: undefined }
        );
      }
    });

    it('exports exactly one span per request, of kind SERVER', () => {
      assert.deepEqual(
        run.receiver.spans.map(span => [span.attributes['url.path'], span.kind]),
        [
          ['/checkout', 'SPAN_KIND_SERVER'],
          ['/orders/42', 'SPAN_KIND_SERVER'],
        ]
      );
    });

    it('continues the trace of the incoming traceparent', () => {
      assert.deepEqual(
        { traceId: run.checkout?.traceId, parentSpanId: run.checkout?.parentSpanId },
        { traceId: run.traceId, parentSpanId: run.parentSpanId }
      );
    });

    it('starts a new trace for a request without a traceparent', () => {
      assert.equal(run.failing?.parentSpanId, '');
      assert.match(run.failing?.traceId ?? '', /^[0-9a-f]{32}$/);
      assert.notEqual(run.failing?.traceId, run.traceId);
    });

    it('carries the attribute a requestFinished receiver set on kwargs.span', () => {
      assert.deepEqual(
        [run.checkout?.attributes['app.status_class'], run.failing?.attributes['app.status_class']],
        ['2xx', '5xx']
      );
    });

    it("records the listener's rejection as an exception event, with status ERROR", () => {
      const exceptions = run.failing?.events
        .filter(event => event.name === 'exception')
        .map(event => [event.attributes['exception.type'], event.attributes['exception.message']]);
      assert.deepEqual(exceptions, [['OrderLookupError', 'order 42 not found']]);
      assert.equal(run.failing?.status.code, 'STATUS_CODE_ERROR');
    });

    it('records nothing on the request that succeeded', () => {
      assert.deepEqual(run.checkout?.events, []);
      assert.equal(run.checkout?.status.code, 'STATUS_CODE_UNSET');
    });

    it(`exports the resource's service.name set through ${serviceName.how}`, () => {
      assert.ok(run.receiver.spans.length > 0, 'nothing was exported');
      for (const span of run.receiver.spans) assert.equal(span.resource['service.name'], serviceName.name);
    });
  });
}
