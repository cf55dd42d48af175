/*
 * The SERVER span's attributes, per the stable HTTP semantic conventions.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ServerRequest, ServerResponseOf } from '../signals/request-signals';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  HTTP_REQUEST_METHOD_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';
import { proxiedRequest } from '../parsing/forwarded-headers';
import { HeaderCapture, sentResponseHeaders } from './header-capture';
import { QueryRedactor, capLength } from './redaction';
import {
  Authority,
  DEFAULT_PORTS,
  UrlScheme,
  authorityOf,
  protocolVersion,
  splitAuthority,
  splitTarget,
  targetScheme,
} from '../parsing/request-target';

/** What the attributes read of the configuration (a ResolvedConfig has it all). */
export interface AttributeSettings {
  readonly maxAttributeValueLength: number;
  readonly trustProxyHeaders: boolean;
  readonly redactQuery: QueryRedactor;
  readonly requestHeaders: HeaderCapture;
  readonly responseHeaders: HeaderCapture;
}

const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/** `GET` stays `GET`; `PROPFIND` becomes `_OTHER`. */
export function normalizeMethod(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : HTTP_REQUEST_METHOD_VALUE_OTHER;
}

/** The span's name before a route is known: `{method}`, or `HTTP` for unknown methods. */
export function spanNameFor(normalizedMethod: string): string {
  return normalizedMethod === HTTP_REQUEST_METHOD_VALUE_OTHER ? 'HTTP' : normalizedMethod;
}

/** The attributes known when the request arrives; the span starts with them so samplers see them. */
export function requestAttributes(
  request: ServerRequest,
  scheme: UrlScheme,
  method: string,
  config: AttributeSettings
): Attributes {
  const max = config.maxAttributeValueLength;
  const socket = request.socket;
  const headers = request.headers;
  const { path, query } = splitTarget(request.url);
  const peerAddress = socket?.remoteAddress;
  const proxied = config.trustProxyHeaders ? proxiedRequest(headers) : undefined;
  const urlScheme = proxied?.scheme ?? targetScheme(headers, scheme);
  const server = serverAuthority(proxied?.host, authorityOf(headers), urlScheme);
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_SCHEME]: urlScheme,
    [ATTR_URL_PATH]: capLength(path, max),
    [ATTR_SERVER_ADDRESS]: capLength(server?.address, max),
    [ATTR_SERVER_PORT]: server?.port,
    [ATTR_CLIENT_ADDRESS]: capLength(proxied?.client ?? peerAddress, max),
    [ATTR_NETWORK_PEER_ADDRESS]: peerAddress,
    [ATTR_NETWORK_PEER_PORT]: socket?.remotePort,
    [ATTR_NETWORK_PROTOCOL_VERSION]: protocolVersion(request.httpVersion),
    [ATTR_USER_AGENT_ORIGINAL]: capLength(headers['user-agent'], max),
  };
  if (query !== undefined) attributes[ATTR_URL_QUERY] = capLength(config.redactQuery(query), max);
  if (method === HTTP_REQUEST_METHOD_VALUE_OTHER)
    attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = capLength(request.method, max);
  if (!config.requestHeaders.isEmpty) config.requestHeaders.capture(name => headers[name], max, attributes);
  return attributes;
}

/**
 * `url.scheme` alone (for the metrics): the proxy's `proto` when trusted and
 * usable, else the connection's. Same answer as requestAttributes gives.
 */
export function requestScheme(request: ServerRequest, scheme: UrlScheme, config: AttributeSettings): UrlScheme {
  return (
    (config.trustProxyHeaders ? proxiedRequest(request.headers)?.scheme : undefined) ??
    targetScheme(request.headers, scheme)
  );
}

/**
 * The host the client asked for, the first that applies: the proxy's, then
 * the Host header (an HTTP/2 caller passes `:authority` there). None at all
 * (an HTTP/1.0 request without Host) leaves server.address and server.port
 * out: the conventions name no fallback.
 */
function serverAuthority(
  proxiedHost: string | undefined,
  host: string | undefined,
  scheme: UrlScheme
): Authority | undefined {
  const defaultPort = DEFAULT_PORTS[scheme];
  return (
    (proxiedHost !== undefined ? splitAuthority(proxiedHost, defaultPort) : undefined) ??
    splitAuthority(host, defaultPort)
  );
}

/** The attributes known once the response is done; `aborted` responses keep a status only if one was sent. */
export function responseAttributes(
  response: ServerResponseOf,
  aborted: boolean,
  config: AttributeSettings
): Attributes {
  const attributes: Attributes = {};
  if (!config.responseHeaders.isEmpty) {
    config.responseHeaders.capture(sentResponseHeaders(response), config.maxAttributeValueLength, attributes);
  }
  if (aborted && !response.headersSent) return attributes;
  const status = response.statusCode;
  attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
  if (status >= 500) attributes[ATTR_ERROR_TYPE] = String(status);
  return attributes;
}
