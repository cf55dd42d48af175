/*
 * A stream served by the HTTP/2 core API ('stream' listeners,
 * stream.respond()) has no request or response object. These two views give
 * the span, the metrics and environ what they read of a request and a
 * response, from the stream and its headers. Receivers get the stream and
 * the headers themselves (RequestKwargs.stream, .headers).
 */
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'http2';
import type { Socket } from 'net';
import type { Http2StreamRequest, Http2StreamResponse } from '../signals/request-signals';

/** The request as the stream's pseudo-headers and headers describe it. */
export class StreamRequest implements Http2StreamRequest {
  readonly httpVersion = '2.0' as const;

  constructor(
    readonly stream: ServerHttp2Stream,
    readonly headers: IncomingHttpHeaders,
    readonly rawHeaders: string[]
  ) {}

  get method(): string | undefined {
    return this.headers[':method'];
  }

  get url(): string | undefined {
    return this.headers[':path'];
  }

  /** The session's socket (a proxy that answers reads such as remoteAddress). */
  get socket(): Socket | undefined {
    return this.stream.session?.socket;
  }
}

/** The response as the stream sent it: `:status` and the headers of stream.respond(). */
export class StreamResponse implements Http2StreamResponse {
  constructor(readonly stream: ServerHttp2Stream) {}

  get statusCode(): number {
    const status = this.stream.sentHeaders?.[':status'];
    return typeof status === 'number' ? status : Number(status ?? 200);
  }

  get headersSent(): boolean {
    return this.stream.headersSent;
  }

  getHeader(name: string): number | string | string[] | undefined {
    return this.stream.sentHeaders?.[name];
  }
}
