/*
 * Parsing of the request target and the authority (Host header): small, allocation-light
 * and total (every input gives an answer, nothing throws).
 */
import type { IncomingHttpHeaders } from 'http';

export interface SplitTarget {
  path: string;
  /** The raw query without '?', or undefined when the target has none. */
  query: string | undefined;
}

export function splitTarget(url: string | undefined): SplitTarget {
  const target = url ?? '/';
  const mark = target.indexOf('?');
  if (mark === -1) return { path: pathOf(target), query: undefined };
  return { path: pathOf(target.slice(0, mark)), query: target.slice(mark + 1) };
}

/** An absolute-form target (`http://host/path`, used by proxies) keeps only its path. */
function pathOf(target: string): string {
  if (target.startsWith('/')) return target;
  const schemeEnd = target.indexOf('://');
  if (schemeEnd === -1) return target;
  const pathStart = target.indexOf('/', schemeEnd + 3);
  return pathStart === -1 ? '/' : target.slice(pathStart);
}

export type UrlScheme = 'http' | 'https';

export const DEFAULT_PORTS: Readonly<Record<UrlScheme, number>> = { http: 80, https: 443 };

export interface Authority {
  address: string;
  /** The explicit port, the default port when there is none, undefined when the port is not a number in 1-65535. */
  port: number | undefined;
}

/**
 * `example.com:8080`, `[::1]:8080` or `example.com` (a Host header, an
 * `:authority`, a proxy's `host=`); undefined when absent or without an address.
 * An empty port (`example.com:`) is the default one, as RFC 3986 has it.
 */
export function splitAuthority(authority: string | undefined, defaultPort: number): Authority | undefined {
  if (!authority) return undefined;
  if (authority.charCodeAt(0) === 0x5b /* [ */) {
    const end = authority.indexOf(']');
    if (end <= 1) return undefined;
    const rest = authority.length - end - 1;
    const port =
      rest === 0
        ? defaultPort
        : authority.charCodeAt(end + 1) === 0x3a
          ? portOf(authority, end + 2, defaultPort)
          : undefined;
    return { address: authority.slice(1, end), port };
  }
  const colon = authority.indexOf(':');
  if (colon === -1) return { address: authority, port: defaultPort };
  if (colon === 0) return undefined;
  // More than one colon without brackets: no host:port form (perhaps a bare IPv6 address); no port to trust.
  if (authority.indexOf(':', colon + 1) !== -1) return { address: authority, port: undefined };
  return { address: authority.slice(0, colon), port: portOf(authority, colon + 1, defaultPort) };
}

/** Digits only (no sign, exponent, hex or spaces), 1 to 65535; empty is the default port. */
function portOf(text: string, start: number, defaultPort: number): number | undefined {
  const length = text.length - start;
  if (length === 0) return defaultPort;
  if (length > 5) return undefined;
  let port = 0;
  for (let i = start; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    port = port * 10 + digit;
  }
  return port > 0 && port < 65536 ? port : undefined;
}

export interface HostAndPort {
  address: string;
  port: number;
}

/**
 * The Host header as WSGI servers read it (environ's SERVER_NAME and
 * SERVER_PORT): an unusable port is the scheme's default one.
 */
export function splitHostHeader(host: string | undefined, scheme: UrlScheme): HostAndPort | undefined {
  const authority = splitAuthority(host, DEFAULT_PORTS[scheme]);
  if (authority === undefined || authority.port !== undefined) return authority as HostAndPort | undefined;
  return { address: authority.address, port: DEFAULT_PORTS[scheme] };
}

/** The scheme of the target URI: HTTP/2's `:scheme` when it is one of ours, else the connection's. */
export function targetScheme(headers: IncomingHttpHeaders, connectionScheme: UrlScheme): UrlScheme {
  const pseudo = headers[':scheme'];
  return pseudo === 'https' || pseudo === 'http' ? pseudo : connectionScheme;
}

/** The authority the client asked for: HTTP/2's `:authority`, else the Host header. */
export function authorityOf(headers: IncomingHttpHeaders): string | undefined {
  const authority = headers[':authority'];
  return typeof authority === 'string' && authority !== '' ? authority : headers.host;
}

/** `network.protocol.version`: `1.1`, `1.0`, and `2` for HTTP/2 (Node says `2.0`). */
export function protocolVersion(httpVersion: string): string {
  return httpVersion === '2.0' ? '2' : httpVersion;
}
