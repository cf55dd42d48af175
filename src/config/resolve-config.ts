/*
 * The configuration, validated and prepared once per setConfig(), so that
 * each request reads ready-made values. Bad input is a TypeError naming it.
 */
import type { ServerRequest } from '../signals/request-signals';
import { HeaderCapture, headerListFromEnv } from '../span/header-capture';
import { DEFAULT_REDACTED_QUERY_PARAMS, QueryRedactor, queryRedactor } from '../span/redaction';
import { splitTarget } from '../parsing/request-target';
import type { IgnoreMatcher, RequestSignalsInstrumentationConfig } from '../types';
import { describe } from '../safety/foreign-values';

const DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH = 4096;

export interface ResolvedConfig {
  readonly isIgnored: ((request: ServerRequest) => boolean) | undefined;
  readonly signalsForIgnored: boolean;
  readonly redactQuery: QueryRedactor;
  readonly requestHeaders: HeaderCapture;
  readonly responseHeaders: HeaderCapture;
  readonly maxAttributeValueLength: number;
  readonly trustProxyHeaders: boolean;
}

export function resolveConfig(config: RequestSignalsInstrumentationConfig, env = process.env): ResolvedConfig {
  for (const hook of ['startIncomingSpanHook', 'requestHook', 'responseHook', 'spanNameHook'] as const) {
    assertOptional(config[hook], 'function', hook);
  }
  assertOptional(config.signalsForIgnored, 'boolean', 'signalsForIgnored');
  assertOptional(config.trustProxyHeaders, 'boolean', 'trustProxyHeaders');
  const allowed = new Set(lowerCaseList(config.allowSensitiveHeaders, 'allowSensitiveHeaders'));
  const headers = config.headersToSpanAttributes;
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers))) {
    throw new TypeError(`headersToSpanAttributes must be an object { request?, response? }, got ${describe(headers)}`);
  }
  return {
    isIgnored: ignoreMatcher(config.ignoreIncomingRequest),
    signalsForIgnored: config.signalsForIgnored ?? true,
    redactQuery: queryRedactor(
      new Set(lowerCaseList(config.redactedQueryParams ?? DEFAULT_REDACTED_QUERY_PARAMS, 'redactedQueryParams'))
    ),
    requestHeaders: HeaderCapture.forRequests(
      [
        ...stringList(headers?.request, 'headersToSpanAttributes.request'),
        ...headerListFromEnv(env.OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST),
      ],
      allowed
    ),
    responseHeaders: HeaderCapture.forResponses(
      [
        ...stringList(headers?.response, 'headersToSpanAttributes.response'),
        ...headerListFromEnv(env.OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_RESPONSE),
      ],
      allowed
    ),
    maxAttributeValueLength: positiveInteger(config.maxAttributeValueLength, 'maxAttributeValueLength'),
    trustProxyHeaders: config.trustProxyHeaders ?? true,
  };
}

function ignoreMatcher(option: IgnoreMatcher | IgnoreMatcher[] | undefined): ResolvedConfig['isIgnored'] {
  if (option === undefined) return undefined;
  const matchers = Array.isArray(option)
    ? option.map((matcher, index) => toPredicate(matcher, ` at position ${index}`))
    : [toPredicate(option, '')];
  return request => matchers.some(matches => matches(request));
}

function toPredicate(matcher: unknown, where: string): (request: ServerRequest) => boolean {
  if (typeof matcher === 'function') return matcher as (request: ServerRequest) => boolean;
  if (typeof matcher === 'string') return request => splitTarget(request.url).path === matcher;
  if (matcher instanceof RegExp) return pathMatcher(matcher);
  throw new TypeError(
    `ignoreIncomingRequest expects a function, a path string or a RegExp, got ${describe(matcher)}${where}`
  );
}

/**
 * A global or sticky RegExp's test() starts at, and moves, its `lastIndex`:
 * shared between requests, it would skip every other match. Such a RegExp is
 * tested through a copy of our own (the application's keeps its `lastIndex`),
 * from index 0 every time: `g` matches anywhere, `y` at the start of the path.
 */
function pathMatcher(regexp: RegExp): (request: ServerRequest) => boolean {
  if (!regexp.global && !regexp.sticky) return request => regexp.test(splitTarget(request.url).path);
  const own = new RegExp(regexp.source, regexp.flags);
  return request => {
    own.lastIndex = 0;
    return own.test(splitTarget(request.url).path);
  };
}

function assertOptional(value: unknown, type: 'function' | 'boolean', name: string): void {
  if (value !== undefined && typeof value !== type) {
    throw new TypeError(`${name} must be a ${type}, got ${describe(value)}`);
  }
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some(item => typeof item !== 'string')) {
    throw new TypeError(`${name} must be an array of strings, got ${describe(value)}`);
  }
  return value as string[];
}

function lowerCaseList(value: unknown, name: string): string[] {
  return stringList(value, name).map(item => item.toLowerCase());
}

function positiveInteger(value: unknown, name: string): number {
  if (value === undefined) return DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}
