/*
 * A WSGI (PEP 3333) environ for a Node request, built the way gunicorn and
 * Django's runserver build theirs, so that Django receivers port line for line.
 */
import type { Environ, ServerRequest } from './request-signals';
import {
  UrlScheme,
  authorityOf,
  protocolVersion,
  splitHostHeader,
  splitTarget,
  targetScheme,
} from '../parsing/request-target';

/** Builds the environ; never throws, whatever the request carries. */
export function buildEnviron(request: ServerRequest, connectionScheme: UrlScheme): Environ {
  const { path, query } = splitTarget(request.url);
  const socket = request.socket;
  const scheme = targetScheme(request.headers, connectionScheme);
  const host = splitHostHeader(authorityOf(request.headers), scheme);
  const environ: Environ = {
    REQUEST_METHOD: request.method ?? '',
    PATH_INFO: percentDecode(path),
    QUERY_STRING: query ?? '',
    SERVER_NAME: host?.address ?? socket?.localAddress ?? '',
    SERVER_PORT: String(host?.port ?? socket?.localPort ?? ''),
    SERVER_PROTOCOL: `HTTP/${protocolVersion(request.httpVersion)}`,
    REMOTE_ADDR: socket?.remoteAddress ?? '',
    REMOTE_PORT: String(socket?.remotePort ?? ''),
    'wsgi.url_scheme': scheme,
  };
  addHeaders(environ, request.rawHeaders);
  return environ;
}

/**
 * CONTENT_TYPE and CONTENT_LENGTH keep their own names; every other header
 * becomes HTTP_<NAME>, repeated headers joined with ',' as WSGI servers do.
 * Names with '_' are dropped, as gunicorn and runserver drop them, so that
 * `X_Forwarded_For` cannot pose as `X-Forwarded-For`.
 */
function addHeaders(environ: Environ, rawHeaders: string[]): void {
  const target = environ as unknown as Record<string, string>;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    // HTTP/2's pseudo-headers (`:path`, …) are in the fields above, not headers.
    if (name.includes('_') || name.charCodeAt(0) === 0x3a) continue;
    const key = environKey(name);
    const value = rawHeaders[i + 1];
    target[key] = key in target ? `${target[key]},${value}` : value;
  }
}

function environKey(headerName: string): string {
  const upper = headerName.toUpperCase().replace(/-/g, '_');
  return upper === 'CONTENT_TYPE' || upper === 'CONTENT_LENGTH' ? upper : `HTTP_${upper}`;
}

/** PATH_INFO is decoded; a malformed escape leaves the path as it came. */
function percentDecode(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
