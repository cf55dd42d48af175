/*
 * Headers recorded on the span: none unless listed, and credentials recorded
 * as REDACTED even when listed, unless explicitly allowed.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ServerHttp2Stream } from 'http2';
import type { ServerResponseOf } from '../signals/request-signals';
import { ATTR_HTTP_REQUEST_HEADER, ATTR_HTTP_RESPONSE_HEADER } from '@opentelemetry/semantic-conventions';
import { sentHeaderBlock } from '../internals/node-and-opentelemetry';
import { REDACTED, capLength } from './redaction';

const SENSITIVE_HEADERS: readonly string[] = ['authorization', 'cookie', 'set-cookie', 'proxy-authorization'];

interface CapturedHeader {
  name: string;
  attribute: string;
  redact: boolean;
}

type HeaderValue = string | string[] | number | undefined;
type HeaderReader = (name: string) => HeaderValue;

/** One direction's list of headers, prepared once per configuration. */
export class HeaderCapture {
  private readonly headers: CapturedHeader[];

  constructor(names: readonly string[], attributeFor: (name: string) => string, allowedSensitive: ReadonlySet<string>) {
    this.headers = [...new Set(names.map(name => name.trim().toLowerCase()).filter(Boolean))].map(name => ({
      name,
      attribute: attributeFor(name),
      redact: SENSITIVE_HEADERS.includes(name) && !allowedSensitive.has(name),
    }));
  }

  static forRequests(names: readonly string[], allowedSensitive: ReadonlySet<string>): HeaderCapture {
    return new HeaderCapture(names, ATTR_HTTP_REQUEST_HEADER, allowedSensitive);
  }

  static forResponses(names: readonly string[], allowedSensitive: ReadonlySet<string>): HeaderCapture {
    return new HeaderCapture(names, ATTR_HTTP_RESPONSE_HEADER, allowedSensitive);
  }

  get isEmpty(): boolean {
    return this.headers.length === 0;
  }

  /** `http.request.header.<name>` arrays for the listed headers that are present. */
  capture(getHeader: HeaderReader, maxLength: number, into: Attributes): void {
    for (const header of this.headers) {
      const value = getHeader(header.name);
      if (value === undefined) continue;
      const values = Array.isArray(value) ? value : [String(value)];
      into[header.attribute] = header.redact ? [REDACTED] : values.map(v => capLength(v, maxLength));
    }
  }
}

/**
 * The response's headers as they were sent, whichever API the application
 * used: setHeader(), appendHeader(), or writeHead() with an object or a flat
 * array. Headers given only to writeHead() never reach getHeader(); they are
 * read from `ServerResponse._header`, the header block Node wrote (an
 * internal, though long-lived: `headersSent` is `!!this._header`; the tests
 * check it). HTTP/2 responses: what the stream sent (`stream.sentHeaders`).
 * Nothing sent (the client went away first): no headers.
 */
export function sentResponseHeaders(response: ServerResponseOf): HeaderReader {
  const stream = (response as { stream?: ServerHttp2Stream }).stream;
  // HTTP/2 (both APIs): the headers the stream sent, as Node keeps them.
  if (stream !== undefined) return name => stream.sentHeaders?.[name];
  const block = sentHeaderBlock(response);
  if (block !== undefined) return name => headerBlockValues(block, name);
  if (!response.headersSent) return () => undefined;
  return name => response.getHeader(name);
}

/** Every value of the lines `Name: value` with this (lower-case) name, after the status line. */
export function headerBlockValues(block: string, name: string): string[] | undefined {
  let values: string[] | undefined;
  let start = block.indexOf('\r\n') + 2;
  if (start === 1) return undefined;
  while (start < block.length) {
    const found = block.indexOf('\r\n', start);
    const end = found === -1 ? block.length : found;
    if (end === start) break;
    const colon = block.indexOf(':', start);
    if (colon - start === name.length && colon < end && block.slice(start, colon).toLowerCase() === name) {
      (values ??= []).push(block.slice(colon + 1, end).trim());
    }
    start = end + 2;
  }
  return values;
}

/** A comma-separated header list from the environment (OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_*). */
export function headerListFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(name => name.trim())
    .filter(Boolean);
}
