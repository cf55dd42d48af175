/*
 * Whether a request's response closed before it was finished: the one fact
 * behind `aborted` in requestFinished's kwargs and the span's outcome.
 */
import { constants } from 'http2';
import type { ServerHttp2Stream } from 'http2';
import type { ServerResponse } from 'http';

/**
 * HTTP/1: Node's writableFinished is also true for a response destroyed and
 * then ended (frameworks do that when a body stream fails midway): its socket
 * is still attached then, while a finished response lets go of its socket
 * before 'close'.
 */
export function responseAborted(response: ServerResponse): boolean {
  return !response.writableFinished || response.socket?.destroyed === true;
}

/**
 * HTTP/2: reset by either side (RST_STREAM), or cut with its session
 * (destroyed, GOAWAY). Node's compatibility response reports itself finished
 * even then, so the stream's own `aborted` flag and reset code decide.
 */
export function streamAborted(stream: ServerHttp2Stream | undefined): boolean {
  return (
    stream === undefined ||
    stream.aborted ||
    (stream.rstCode !== undefined && stream.rstCode !== constants.NGHTTP2_NO_ERROR)
  );
}
