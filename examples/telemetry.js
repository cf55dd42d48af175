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
// The SDK's processors and console exporter: the same constructors in the
// 2.x line (Node 18 and 20) and the 3.x line (Node 22.15 and later).
const { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace');
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

/** The exporters the demo builds; NodeSDK also knows zipkin. */
const SUPPORTED_EXPORTERS = ['otlp', 'console'];

/** The exporters OTEL_TRACES_EXPORTER names; none unless an OTEL_* variable asks for export. */
function requestedExporters(env = process.env) {
  const names = [...new Set((env.OTEL_TRACES_EXPORTER ?? '').split(',').map(name => name.trim()))].filter(
    name => name !== '' && name !== 'null'
  );
  if (names.includes('none')) return [];
  if (names.length === 0) {
    // Without OTEL_TRACES_EXPORTER, an OTLP endpoint alone asks for OTLP (NodeSDK's default exporter).
    const endpoint = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'].some(
      name => (env[name] ?? '').trim() !== ''
    );
    return endpoint ? ['otlp'] : [];
  }
  for (const name of names.filter(name => !SUPPORTED_EXPORTERS.includes(name))) {
    diag.warn(`OTEL_TRACES_EXPORTER=${name}: the demo builds only the ${SUPPORTED_EXPORTERS.join(' and ')} exporters`);
  }
  return names.filter(name => SUPPORTED_EXPORTERS.includes(name));
}

/** The OTLP exporter package for each protocol; each reads OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout) itself. */
const OTLP_EXPORTER_PACKAGES = {
  'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
  'http/json': '@opentelemetry/exporter-trace-otlp-http',
  grpc: '@opentelemetry/exporter-trace-otlp-grpc',
};

/** OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL; http/protobuf by default and, with a warning, for an unknown one (as NodeSDK does). */
function otlpProtocol(env = process.env) {
  const protocol = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL ||
    'http/protobuf'
  ).trim();
  if (protocol in OTLP_EXPORTER_PACKAGES) return protocol;
  diag.warn(`unknown OTLP protocol "${protocol}", using http/protobuf`);
  return 'http/protobuf';
}

/** One span processor per exporter, as NodeSDK builds them: console spans at once, OTLP ones in batches. */
function exportProcessors(names, protocol) {
  return names.map(name => {
    if (name === 'console') return new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() });
    const { OTLPTraceExporter } = require(OTLP_EXPORTER_PACKAGES[protocol]); // only the one in use is loaded
    return new BatchSpanProcessor({ exporter: new OTLPTraceExporter() });
  });
}

/** Where exported spans go, in words, for the demo's header line (mirrors what the OTLP exporters read). */
function describeExport(names, protocol, env = process.env) {
  if (names.length === 0) return 'not exported (set OTEL_EXPORTER_OTLP_ENDPOINT to export)';
  if (!names.includes('otlp')) return `exported with ${names.join(',')}`;
  const grpc = protocol === 'grpc';
  const defaultBase = grpc ? 'http://localhost:4317' : 'http://localhost:4318';
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT || defaultBase).replace(/\/$/, '');
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (grpc ? base : `${base}/v1/traces`);
  return `exported with ${names.join(',')} (${protocol}) to ${endpoint}`;
}

/** OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) wins; otherwise the demo's name. */
function serviceNameOption(env = process.env) {
  const fromEnv =
    (env.OTEL_SERVICE_NAME ?? '').trim() !== '' || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  return fromEnv ? undefined : DEFAULT_SERVICE_NAME;
}

const EXIT_SIGNALS = ['SIGTERM', 'SIGINT'];

/**
 * On SIGTERM or SIGINT (Ctrl-C), which would end the process at once and lose
 * the spans still queued: shut the SDK down first (exporting them), then end
 * by the same signal, as the process would have. A second signal ends it
 * without waiting.
 */
function shutdownOnSignals(shutdown) {
  const onSignal = signal => {
    for (const name of EXIT_SIGNALS) process.removeListener(name, onSignal);
    shutdown()
      .catch(error => console.error(`telemetry: the SDK did not shut down cleanly: ${error.message ?? error}`))
      .finally(() => process.kill(process.pid, signal));
  };
  for (const signal of EXIT_SIGNALS) process.on(signal, onSignal);
}

function startTelemetry() {
  // Export failures are reported through diag; show warnings unless the user chose a level.
  if (process.env.OTEL_LOG_LEVEL === undefined) diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);

  const collector = new CollectingSpanProcessor();
  const exporters = requestedExporters();
  const protocol = exporters.includes('otlp') ? otlpProtocol() : undefined;
  const exporting = exportProcessors(exporters, protocol);
  const sdk = new NodeSDK({
    serviceName: serviceNameOption(),
    instrumentations: [new RequestSignalsInstrumentation()],
    spanProcessors: [collector, ...exporting],
    // The demo only traces: without these, NodeSDK would also set up OTLP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  let stopped;
  const shutdown = () => (stopped ??= sdk.shutdown());
  shutdownOnSignals(shutdown);

  return {
    /** Every span that has ended so far, once their resource (service.name, host, ...) is complete. */
    async finishedSpans() {
      const resources = new Set(collector.spans.map(span => span.resource));
      await Promise.all([...resources].map(resource => resource.waitForAsyncAttributes?.()));
      return collector.spans;
    },
    exportDescription: describeExport(exporters, protocol),
    exporting: exporting.length > 0,
    /** Flushes the batch processors (exports what is left) and stops the SDK; once, however often it is called. */
    shutdown,
  };
}

module.exports = { startTelemetry };
