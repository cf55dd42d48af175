/*
 * A minimal OTLP/HTTP trace receiver on 127.0.0.1: it accepts POST /v1/traces
 * in OTLP/JSON (application/json) and OTLP/protobuf (application/x-protobuf)
 * and decodes both into one plain shape the tests can compare.
 *
 * The schema is the published opentelemetry-proto, loaded with protobufjs
 * from the .proto files that `@elastic/mockotlpserver` ships (a vendored copy
 * of open-telemetry/opentelemetry-proto v1.4.0). Only its .proto files are
 * used, not its server. The JSON path uses the same schema for enum names.
 */
import * as http from 'http';
import * as path from 'path';
import * as zlib from 'zlib';
import * as protobuf from 'protobufjs';
import { startHttpServer } from './server';

const PROTO_ROOT = path.dirname(require.resolve('@elastic/mockotlpserver/package.json'));

function loadSchema(): protobuf.Root {
  const root = new protobuf.Root();
  // The .proto files import each other by path from the root of the tree ("opentelemetry/proto/...").
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_ROOT, target));
  return root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
}

const schema = loadSchema();
const ExportTraceServiceRequest = schema.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const ExportTraceServiceResponse = schema.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'
);
const SpanKind = schema.lookupEnum('opentelemetry.proto.trace.v1.Span.SpanKind');
const StatusCode = schema.lookupEnum('opentelemetry.proto.trace.v1.Status.StatusCode');

export type AttributeValue = string | number | boolean | AttributeValue[] | undefined;
export type Attributes = Record<string, AttributeValue>;

/** One span as a collector would see it, the same for both encodings. */
export interface ExportedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** The schema's enum name: `SPAN_KIND_SERVER`, … */
  kind: string;
  attributes: Attributes;
  events: Array<{ name: string; attributes: Attributes }>;
  /** `STATUS_CODE_UNSET`, `STATUS_CODE_OK`, `STATUS_CODE_ERROR`. */
  status: { code: string; message: string };
  resource: Attributes;
  scope: string;
}

export interface ReceivedRequest {
  method: string | undefined;
  path: string | undefined;
  contentType: string | undefined;
  /** Set when the body could not be decoded (the receiver answered 400). */
  error?: string;
}

export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT: the exporters append /v1/traces. */
  endpoint: string;
  requests: ReceivedRequest[];
  spans: ExportedSpan[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const spans: ExportedSpan[] = [];
  const running = await startHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedRequest = {
        method: request.method,
        path: request.url,
        contentType: request.headers['content-type'],
      };
      requests.push(received);
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      try {
        spans.push(...decode(received.contentType, unzip(request, Buffer.concat(chunks))));
      } catch (error) {
        received.error = String(error);
        response.writeHead(400).end();
        return;
      }
      respond(response, received.contentType);
    });
  });
  return {
    endpoint: `http://127.0.0.1:${running.port}`,
    requests,
    spans,
    close: () => running.close(),
  };
}

function unzip(request: http.IncomingMessage, body: Buffer): Buffer {
  return request.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body;
}

function decode(contentType: string | undefined, body: Buffer): ExportedSpan[] {
  // OTLP/JSON is the proto3 JSON mapping of the same messages, except that ids are hex and enums numbers.
  if (contentType?.startsWith('application/json')) return flatten(JSON.parse(body.toString('utf8')) as OtlpRequest);
  if (contentType?.startsWith('application/x-protobuf')) return fromProtobuf(body);
  throw new Error(`unexpected content-type ${contentType}`);
}

/** An empty ExportTraceServiceResponse, in the request's encoding: full success. */
function respond(response: http.ServerResponse, contentType: string | undefined): void {
  if (contentType?.startsWith('application/json')) {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  } else {
    const empty = ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create({})).finish();
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(empty));
  }
}

/* The decoded message, field names camelCased by protobufjs as in OTLP/JSON. */
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string | Uint8Array;
  spanId: string | Uint8Array;
  parentSpanId?: string | Uint8Array;
  name: string;
  kind?: string | number;
  attributes?: OtlpKeyValue[];
  events?: Array<{ name: string; attributes?: OtlpKeyValue[] }>;
  status?: { code?: string | number; message?: string };
}
interface OtlpRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }>;
  }>;
}

/** An ExportTraceServiceRequest in its protobuf encoding (OTLP/protobuf, or the body of a gRPC Export call). */
export function fromProtobuf(body: Buffer): ExportedSpan[] {
  const message = ExportTraceServiceRequest.decode(body);
  // Ids stay bytes (hex below), 64-bit integers become strings, enums their names.
  return flatten(ExportTraceServiceRequest.toObject(message, { longs: String, enums: String }));
}

function flatten(request: OtlpRequest): ExportedSpan[] {
  return (request.resourceSpans ?? []).flatMap(resourceSpans =>
    (resourceSpans.scopeSpans ?? []).flatMap(scopeSpans =>
      (scopeSpans.spans ?? []).map(span => ({
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId),
        name: span.name,
        kind: enumName(SpanKind, span.kind ?? 0),
        attributes: attributes(span.attributes),
        events: (span.events ?? []).map(event => ({ name: event.name, attributes: attributes(event.attributes) })),
        status: { code: enumName(StatusCode, span.status?.code ?? 0), message: span.status?.message ?? '' },
        resource: attributes(resourceSpans.resource?.attributes),
        scope: scopeSpans.scope?.name ?? '',
      }))
    )
  );
}

function hex(id: string | Uint8Array | undefined): string {
  if (id === undefined) return '';
  return typeof id === 'string' ? id : Buffer.from(id).toString('hex');
}

function enumName(type: protobuf.Enum, value: string | number): string {
  return typeof value === 'string' ? value : type.valuesById[value];
}

function attributes(list: OtlpKeyValue[] | undefined): Attributes {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, anyValue(value)]));
}

function anyValue(value: OtlpAnyValue | undefined): AttributeValue {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  return undefined;
}
