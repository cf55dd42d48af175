/*
 * End to end over OTLP/gRPC: the app of test/otlp-export.test.ts
 * (test/fixtures/otlp-app.js: NodeSDK and the instrumentation) exports through
 * the real @opentelemetry/exporter-trace-otlp-grpc to a gRPC receiver this test
 * runs on 127.0.0.1 (test/utils/otlp-grpc-receiver.ts), which decodes each
 * Export call with the published OTLP schema.
 */
import * as assert from 'node:assert/strict';
import { EXPORT_PATH, startOtlpGrpcReceiver } from './utils/otlp-grpc-receiver';
import { useOtlpExport } from './utils/otlp-app';

describe('OTLP/gRPC export through @opentelemetry/exporter-trace-otlp-grpc', function () {
  this.timeout(20000);
  const run = useOtlpExport(startOtlpGrpcReceiver, ['grpc'], { OTEL_SERVICE_NAME: 'checkout-grpc' });

  it('calls TraceService/Export, whose request the receiver decodes with the OTLP schema', () => {
    assert.ok(run.receiver.calls.length >= 1, 'nothing was exported');
    for (const call of run.receiver.calls) {
      assert.deepEqual([call.path, call.error], [EXPORT_PATH, undefined]);
      assert.match(String(call.userAgent), /^OTel-OTLP-Exporter-JavaScript\/0\.\d+\.\d+ grpc-node-js\//);
    }
  });

  it('exports exactly one span per request, of kind SERVER, from this instrumentation', () => {
    assert.deepEqual(
      run.receiver.spans.map(span => [span.attributes['url.path'], span.kind, span.scope]),
      [
        ['/checkout', 'SPAN_KIND_SERVER', 'otel-request-signals'],
        ['/orders/42', 'SPAN_KIND_SERVER', 'otel-request-signals'],
      ]
    );
  });

  it("carries the request's attributes", () => {
    const attributes = run.checkout?.attributes ?? {};
    assert.deepEqual(
      {
        name: run.checkout?.name,
        method: attributes['http.request.method'],
        scheme: attributes['url.scheme'],
        status: attributes['http.response.status_code'],
        protocol: attributes['network.protocol.version'],
        server: attributes['server.address'],
        fromReceiver: attributes['app.status_class'],
      },
      {
        name: 'GET',
        method: 'GET',
        scheme: 'http',
        status: 200,
        protocol: '1.1',
        server: '127.0.0.1',
        fromReceiver: '2xx',
      }
    );
  });

  it('continues the trace of the incoming traceparent', () => {
    assert.deepEqual([run.checkout?.traceId, run.checkout?.parentSpanId], [run.traceId, run.parentSpanId]);
  });

  it("records the listener's rejection as an exception event, with status ERROR and status code 500", () => {
    assert.deepEqual(
      run.failing?.events
        .filter(event => event.name === 'exception')
        .map(event => [event.attributes['exception.type'], event.attributes['exception.message']]),
      [['OrderLookupError', 'order 42 not found']]
    );
    assert.deepEqual(
      [run.failing?.status.code, run.failing?.attributes['http.response.status_code']],
      ['STATUS_CODE_ERROR', 500]
    );
  });

  it("exports the resource's service.name from OTEL_SERVICE_NAME", () => {
    assert.deepEqual([...new Set(run.receiver.spans.map(span => span.resource['service.name']))], ['checkout-grpc']);
  });
});
