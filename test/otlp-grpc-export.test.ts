/*
 * End to end over OTLP/gRPC: the app of test/otlp-export.test.ts
 * (test/fixtures/otlp-app.js: NodeSDK and the instrumentation) exports through
 * the real @opentelemetry/exporter-trace-otlp-grpc to a gRPC receiver this test
 * runs on 127.0.0.1 (test/utils/otlp-grpc-receiver.ts), which decodes each
 * Export call with the published OTLP schema.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EXPORT_PATH, OtlpGrpcReceiver, startOtlpGrpcReceiver } from './utils/otlp-grpc-receiver';
import { runOtlpApp } from './utils/otlp-app';
import type { ExportedSpan } from './utils/otlp-receiver';

describe('OTLP/gRPC export through @opentelemetry/exporter-trace-otlp-grpc', function () {
  this.timeout(20000);
  const traceId = randomBytes(16).toString('hex');
  const parentSpanId = randomBytes(8).toString('hex');
  let receiver: OtlpGrpcReceiver;
  let checkout: ExportedSpan | undefined;
  let failing: ExportedSpan | undefined;

  before(async () => {
    receiver = await startOtlpGrpcReceiver();
    const app = await runOtlpApp(['grpc', `00-${traceId}-${parentSpanId}-01`], {
      OTEL_SERVICE_NAME: 'checkout-grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    });
    assert.equal(app.code, 0, `the app exited with ${app.code}\n${app.stderr}`);
    assert.deepEqual(app.statuses, [200, 500], 'the app answered differently than it does uninstrumented');
    checkout = receiver.spans.find(span => span.attributes['url.path'] === '/checkout');
    failing = receiver.spans.find(span => span.attributes['url.path'] === '/orders/42');
  });
  after(() => receiver?.close());

  it('calls TraceService/Export, whose request the receiver decodes with the OTLP schema', () => {
    assert.ok(receiver.calls.length >= 1, 'nothing was exported');
    for (const call of receiver.calls) {
      assert.deepEqual([call.path, call.error], [EXPORT_PATH, undefined]);
      assert.match(String(call.userAgent), /^OTel-OTLP-Exporter-JavaScript\/0\.\d+\.\d+ grpc-node-js\//);
    }
  });

  it('exports exactly one span per request, of kind SERVER, from this instrumentation', () => {
    assert.deepEqual(
      receiver.spans.map(span => [span.attributes['url.path'], span.kind, span.scope]),
      [
        ['/checkout', 'SPAN_KIND_SERVER', 'otel-request-signals'],
        ['/orders/42', 'SPAN_KIND_SERVER', 'otel-request-signals'],
      ]
    );
  });

  it("carries the request's attributes", () => {
    const attributes = checkout?.attributes ?? {};
    assert.deepEqual(
      {
        name: checkout?.name,
        method: attributes['http.request.method'],
        scheme: attributes['url.scheme'],
        status: attributes['http.response.status_code'],
        protocol: attributes['network.protocol.version'],
        server: attributes['server.address'],
        fromReceiver: attributes['app.status_class'],
      },
      { name: 'GET', method: 'GET', scheme: 'http', status: 200, protocol: '1.1', server: '127.0.0.1', fromReceiver: '2xx' }
    );
  });

  it('continues the trace of the incoming traceparent', () => {
    assert.deepEqual([checkout?.traceId, checkout?.parentSpanId], [traceId, parentSpanId]);
  });

  it("records the listener's rejection as an exception event, with status ERROR and status code 500", () => {
    assert.deepEqual(
      failing?.events
        .filter(event => event.name === 'exception')
        .map(event => [event.attributes['exception.type'], event.attributes['exception.message']]),
      [['OrderLookupError', 'order 42 not found']]
    );
    assert.deepEqual([failing?.status.code, failing?.attributes['http.response.status_code']], ['STATUS_CODE_ERROR', 500]);
  });

  it("exports the resource's service.name from OTEL_SERVICE_NAME", () => {
    assert.deepEqual([...new Set(receiver.spans.map(span => span.resource['service.name']))], ['checkout-grpc']);
  });
});
