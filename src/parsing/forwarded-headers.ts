/*
 * What reverse proxies say about the original request: `Forwarded` (RFC 7239)
 * and the de facto X-Forwarded-For, -Host and -Proto. Plain header values in,
 * plain values out (HTTP/1 and HTTP/2 share it); total, like request-target.ts:
 * any input gives an answer, nothing throws.
 */
import { isIP } from 'net';
import type { UrlScheme } from './request-target';

export type HeaderValue = string | string[] | undefined;

/** Header values by lower-case name: an IncomingMessage's or an HTTP/2 stream's `headers`. */
export type HeaderBag = Readonly<Record<string, HeaderValue>>;

/** What the proxy nearest the client said; each field undefined when no proxy said anything usable. */
export interface ProxiedRequest {
  /** The client's IP address, without port or brackets. */
  client: string | undefined;
  /** The host (and port) the client asked for, as the proxy passed it on. */
  host: string | undefined;
  /** `http` or `https`; any other value is ignored (it would be a metric attribute). */
  scheme: UrlScheme | undefined;
}

/**
 * `Forwarded` first, then X-Forwarded-*, parameter by parameter, each from
 * the proxy nearest the client (the first element or entry). A `for=` that
 * names no address (`unknown`, an obfuscated `_hidden`) does not apply, nor
 * does a scheme other than http or https. Undefined, without allocating,
 * when the request carries none of these headers.
 */
export function proxiedRequest(headers: HeaderBag): ProxiedRequest | undefined {
  const forwarded = headers.forwarded;
  const forwardedFor = headers['x-forwarded-for'];
  const forwardedHost = headers['x-forwarded-host'];
  const forwardedProto = headers['x-forwarded-proto'];
  if (
    forwarded === undefined &&
    forwardedFor === undefined &&
    forwardedHost === undefined &&
    forwardedProto === undefined
  ) {
    return undefined;
  }
  const element = forwarded === undefined ? undefined : firstForwardedElement(forwarded);
  return {
    client: nodeAddress(element?.for) ?? nodeAddress(firstListEntry(forwardedFor)),
    host: (element?.host || undefined) ?? firstListEntry(forwardedHost),
    scheme: urlSchemeOf(element?.proto) ?? urlSchemeOf(firstListEntry(forwardedProto)),
  };
}

export interface ForwardedElement {
  for: string | undefined;
  host: string | undefined;
  proto: string | undefined;
}

const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The parameters of the first non-empty element of a `Forwarded` header: the
 * one the proxy nearest the client wrote. Names are case-insensitive, values
 * are tokens or quoted strings; a repeated parameter keeps its first value.
 */
export function firstForwardedElement(header: HeaderValue): ForwardedElement | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (typeof text !== 'string') return undefined;
  const element: ForwardedElement = { for: undefined, host: undefined, proto: undefined };
  let pairs = 0;
  let i = 0;
  while (i < text.length) {
    const nameStart = skipSpaces(text, i);
    const nameEnd = indexOfAny(text, nameStart, EQUALS, SEMICOLON, COMMA);
    const name = parameterName(text, nameStart, nameEnd);
    if (nameEnd > nameStart) pairs++;
    i = nameEnd;
    if (codeAt(text, i) === EQUALS) {
      const valueStart = skipSpaces(text, i + 1);
      let value: string;
      if (codeAt(text, valueStart) === QUOTE) {
        const close = closingQuote(text, valueStart + 1);
        value = unescape(text.slice(valueStart + 1, close));
        i = indexOfAny(text, close, SEMICOLON, COMMA, SEMICOLON);
      } else {
        i = indexOfAny(text, valueStart, SEMICOLON, COMMA, SEMICOLON);
        value = text.slice(valueStart, i).trim();
      }
      if (name !== undefined && element[name] === undefined) element[name] = value;
    }
    if (codeAt(text, i) === COMMA && pairs > 0) break;
    i++;
  }
  return pairs > 0 ? element : undefined;
}

const PARAMETERS = ['for', 'host', 'proto'] as const;

/** `for`, `host` or `proto` in any case (and trailing spaces), without allocating; undefined for other names. */
function parameterName(text: string, start: number, end: number): keyof ForwardedElement | undefined {
  let last = end;
  while (last > start && isSpace(text.charCodeAt(last - 1))) last--;
  for (const name of PARAMETERS) {
    if (last - start !== name.length) continue;
    let i = 0;
    // ASCII letters only: `| 0x20` lower-cases them.
    while (i < name.length && (text.charCodeAt(start + i) | 0x20) === name.charCodeAt(i)) i++;
    if (i === name.length) return name;
  }
  return undefined;
}

/** The character code at `i`, or -1 past the end (reading past the end is slow in optimized code). */
function codeAt(text: string, i: number): number {
  return i < text.length ? text.charCodeAt(i) : -1;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Where the first of the given characters is, from `start`; the end of the text when none is. */
function indexOfAny(text: string, start: number, a: number, b: number, c: number): number {
  let i = start;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === a || code === b || code === c) return i;
    i++;
  }
  return text.length;
}

function skipSpaces(text: string, start: number): number {
  let i = start;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The index of the quote closing a quoted string opened before `start`; the text's end when unterminated. */
function closingQuote(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) return i;
    i += code === BACKSLASH ? 2 : 1;
  }
  return text.length;
}

/** A quoted string's content: `\x` stands for `x`. */
function unescape(quoted: string): string {
  return quoted.includes('\\') ? quoted.replace(/\\(.?)/gs, '$1') : quoted;
}

/** The first non-empty entry of a comma-separated list (or of the first list in an array). */
export function firstListEntry(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const entry = typeof item === 'string' ? firstListEntry(item) : undefined;
      if (entry !== undefined) return entry;
    }
    return undefined;
  }
  let start = 0;
  while (start <= value.length) {
    const comma = value.indexOf(',', start);
    const end = comma === -1 ? value.length : comma;
    const entry = value.slice(start, end).trim();
    if (entry !== '') return entry;
    if (comma === -1) return undefined;
    start = comma + 1;
  }
  return undefined;
}

/* No IP address is longer, even with an IPv6 zone; longer input is not parsed at all. */
const MAX_ADDRESS_LENGTH = 100;

/**
 * The IP address in a `for=` node or an X-Forwarded-For entry, without its
 * port: `203.0.113.195:4711`, `[2001:db8::1]:4711`, `2001:db8::1`. Undefined
 * for anything else: `unknown`, obfuscated identifiers (`_hidden`), garbage.
 */
export function nodeAddress(node: string | undefined): string | undefined {
  if (node === undefined) return undefined;
  const text = node.trim();
  if (text.length > MAX_ADDRESS_LENGTH) return undefined;
  let address = text;
  if (text.charCodeAt(0) === 0x5b /* [ */) {
    const end = text.indexOf(']');
    if (end === -1) return undefined;
    address = text.slice(1, end);
  } else {
    const colon = text.indexOf(':');
    // One colon is IPv4 and a port; more are an IPv6 address without brackets.
    if (colon !== -1 && text.indexOf(':', colon + 1) === -1) address = text.slice(0, colon);
  }
  return isIP(address) !== 0 ? address : undefined;
}

/** `http` or `https`, whatever the case; undefined for anything else. */
export function urlSchemeOf(value: string | undefined): UrlScheme | undefined {
  if (value === undefined || value.length > 5) return undefined;
  const lower = value.toLowerCase();
  return lower === 'http' || lower === 'https' ? lower : undefined;
}
