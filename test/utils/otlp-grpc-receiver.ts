/*
 * A minimal OTLP/gRPC trace receiver on 127.0.0.1: a @grpc/grpc-js server
 * with the collector's one unary method,
 * opentelemetry.proto.collector.trace.v1.TraceService/Export. The method
 * takes and returns raw bytes (as the exporter's own client does), and the
 * request is decoded with the published OTLP schema, as test/utils/otlp-receiver.ts
 * decodes OTLP/protobuf over HTTP, into the same plain spans.
 */
import * as grpc from '@grpc/grpc-js';
import { ExportedSpan, fromProtobuf } from './otlp-receiver';

export const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

const asBytes = (bytes: Buffer) => bytes;
const TRACE_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: asBytes,
    requestDeserialize: asBytes,
    responseSerialize: asBytes,
    responseDeserialize: asBytes,
  },
};

/** An empty ExportTraceServiceResponse (no partial_success): every span was accepted. */
const ACCEPTED = Buffer.alloc(0);

export interface ReceivedCall {
  path: string;
  userAgent: grpc.MetadataValue | undefined;
  /** Set when the request could not be decoded (the receiver answered INVALID_ARGUMENT). */
  error?: string;
}

export interface OtlpGrpcReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT: http:// makes the exporter connect without TLS. */
  endpoint: string;
  calls: ReceivedCall[];
  spans: ExportedSpan[];
  close(): Promise<void>;
}

export async function startOtlpGrpcReceiver(): Promise<OtlpGrpcReceiver> {
  const calls: ReceivedCall[] = [];
  const spans: ExportedSpan[] = [];
  const server = new grpc.Server();
  server.addService(TRACE_SERVICE, {
    Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const received: ReceivedCall = { path: call.getPath(), userAgent: call.metadata.get('user-agent')[0] };
      calls.push(received);
      try {
        spans.push(...fromProtobuf(call.request));
      } catch (error) {
        received.error = String(error);
        callback({ code: grpc.status.INVALID_ARGUMENT, details: received.error });
        return;
      }
      callback(null, ACCEPTED);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound)
    )
  );
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    spans,
    close: () => new Promise(resolve => server.tryShutdown(() => resolve())),
  };
}
