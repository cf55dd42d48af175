/*
 * Parsing of the request target and the Host header: small, allocation-light
 * and total (every input gives an answer, nothing throws).
 */

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

export interface HostAndPort {
  address: string;
  port: number;
}

const DEFAULT_PORTS = { http: 80, https: 443 } as const;

/** `example.com:8080`, `[::1]:8080` or `example.com`; undefined when absent or unusable. */
export function splitHostHeader(host: string | undefined, scheme: 'http' | 'https'): HostAndPort | undefined {
  if (!host) return undefined;
  const bracketEnd = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = host.indexOf(':', bracketEnd + 1);
  const address = bracketEnd !== -1 ? host.slice(1, bracketEnd) : colon === -1 ? host : host.slice(0, colon);
  if (address === '') return undefined;
  if (colon === -1) return { address, port: DEFAULT_PORTS[scheme] };
  const port = Number(host.slice(colon + 1));
  return Number.isInteger(port) && port > 0 && port < 65536 ? { address, port } : { address, port: DEFAULT_PORTS[scheme] };
}
