/*
 * Headers recorded on the span: none unless listed, and credentials recorded
 * as REDACTED even when listed, unless explicitly allowed.
 */
import type { Attributes } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_HEADER, ATTR_HTTP_RESPONSE_HEADER } from '@opentelemetry/semantic-conventions';
import { REDACTED, capLength } from './redaction';

export const SENSITIVE_HEADERS: readonly string[] = ['authorization', 'cookie', 'set-cookie', 'proxy-authorization'];

interface CapturedHeader {
  name: string;
  attribute: string;
  redact: boolean;
}

type HeaderValue = string | string[] | number | undefined;

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
  capture(getHeader: (name: string) => HeaderValue, maxLength: number, into: Attributes): void {
    for (const header of this.headers) {
      const value = getHeader(header.name);
      if (value === undefined) continue;
      const values = Array.isArray(value) ? value : [String(value)];
      into[header.attribute] = header.redact ? [REDACTED] : values.map(v => capLength(v, maxLength));
    }
  }
}

/** A comma-separated header list from the environment (OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_*). */
export function headerListFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(name => name.trim())
    .filter(Boolean);
}
