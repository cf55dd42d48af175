'use strict';
// Starts the OpenTelemetry SDK with the request-signals instrumentation.
//
// By default nothing leaves the process: the only span processor is the
// demo's own, which keeps ended spans so that demo.js can draw them. Set the
// standard variables to export as well (see README.md):
//
//   OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npm run demo
const { diag, DiagConsoleLogger, DiagLogLevel } = require('@opentelemetry/api');
const { NodeSDK } = require('@opentelemetry/sdk-node');
// The function NodeSDK itself calls when it is given no span processors: it
// reads OTEL_TRACES_EXPORTER and OTEL_EXPORTER_OTLP_* and returns a
// BatchSpanProcessor per exporter. sdk-node does not re-export it from its
// index, hence the deep path (valid for the ^0.223 range package.json pins).
const { getSpanProcessorsFromEnv } = require('@opentelemetry/sdk-node/build/src/utils');
const { RequestSignalsInstrumentation } = require('otel-request-signals');

const DEFAULT_SERVICE_NAME = 'signals-demo';

/** Keeps every ended span in memory. Any object with these four methods is a SpanProcessor. */
class CollectingSpanProcessor {
  constructor() {
    this.spans = [];
  }
  onStart() {}
  onEnd(span) {
    this.spans.push(span);
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

/** Did the user ask for an exporter? Without one NodeSDK would default to OTLP on localhost:4318. */
function exporterRequested(env = process.env) {
  if ((env.OTEL_TRACES_EXPORTER ?? '').split(',')[0].trim() === 'none') return false; // as NodeSDK reads it
  return ['OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'].some(
    name => (env[name] ?? '').trim() !== ''
  );
}

/** Where exported spans go, in words, for the demo's header line (mirrors what the OTLP exporters read). */
function describeExport(env = process.env) {
  if (!exporterRequested(env)) return 'not exported (set OTEL_EXPORTER_OTLP_ENDPOINT to export)';
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').trim() || 'otlp';
  if (!exporters.split(',').some(name => name.trim() === 'otlp')) return `exported with ${exporters}`;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
  const grpc = protocol === 'grpc';
  const defaultBase = grpc ? 'http://localhost:4317' : 'http://localhost:4318';
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT || defaultBase).replace(/\/$/, '');
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (grpc ? base : `${base}/v1/traces`);
  return `exported with ${exporters} (${protocol}) to ${endpoint}`;
}

/** OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) wins; otherwise the demo's name. */
function serviceNameOption(env = process.env) {
  const fromEnv = (env.OTEL_SERVICE_NAME ?? '').trim() !== '' || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  return fromEnv ? undefined : DEFAULT_SERVICE_NAME;
}

function startTelemetry() {
  // Export failures are reported through diag; show warnings unless the user chose a level.
  if (process.env.OTEL_LOG_LEVEL === undefined) diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);

  const collector = new CollectingSpanProcessor();
  const exportProcessors = exporterRequested() ? getSpanProcessorsFromEnv() : [];
  const sdk = new NodeSDK({
    serviceName: serviceNameOption(),
    instrumentations: [new RequestSignalsInstrumentation()],
    spanProcessors: [collector, ...exportProcessors],
    // The demo only traces: without these, NodeSDK would also set up OTLP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  return {
    /** Every span that has ended so far, once their resource (service.name, host, ...) is complete. */
    async finishedSpans() {
      const resources = new Set(collector.spans.map(span => span.resource));
      await Promise.all([...resources].map(resource => resource.waitForAsyncAttributes?.()));
      return collector.spans;
    },
    exportDescription: describeExport(),
    exporting: exportProcessors.length > 0,
    /** Flushes the batch processors (exports what is left) and stops the SDK. */
    shutdown: () => sdk.shutdown(),
  };
}

module.exports = { startTelemetry };
