/*
 * What must not reach a trace backend as sent: credentials in query strings,
 * and attribute values of unbounded length.
 */

/** Query keys whose values are credentials (compared case-insensitively). */
export const DEFAULT_REDACTED_QUERY_PARAMS: readonly string[] = [
  'AWSAccessKeyId',
  'Signature',
  'sig',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'key',
  'password',
  'passwd',
  'secret',
  'client_secret',
  'code',
];

export const REDACTED = 'REDACTED';

export type QueryRedactor = (query: string) => string;

/**
 * Prepares redaction for these keys (lower case): values of matching keys
 * become REDACTED, everything else stays byte for byte. A query that names
 * none of the keys, and has nothing encoded, is returned after one RegExp test.
 */
export function queryRedactor(redactedKeys: ReadonlySet<string>): QueryRedactor {
  if (redactedKeys.size === 0) return query => query;
  const alternatives = [...redactedKeys].map(key => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  // Encoded or non-ASCII keys take the slow path, where keys are decoded and lower-cased exactly.
  const mayNeedRedaction = new RegExp(`(?:^|&)(?:${alternatives})=|[%+]|[^\\x00-\\x7f]`, 'i');
  return query => (mayNeedRedaction.test(query) ? redactKeys(query, redactedKeys) : query);
}

function redactKeys(query: string, redactedKeys: ReadonlySet<string>): string {
  const parts = query.split('&');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const equals = parts[i].indexOf('=');
    if (equals === -1) continue;
    if (redactedKeys.has(decodeKey(parts[i].slice(0, equals)))) {
      parts[i] = `${parts[i].slice(0, equals + 1)}${REDACTED}`;
      changed = true;
    }
  }
  return changed ? parts.join('&') : query;
}

function decodeKey(key: string): string {
  const spaced = key.includes('+') ? key.replace(/\+/g, ' ') : key;
  if (!spaced.includes('%')) return spaced.toLowerCase();
  try {
    return decodeURIComponent(spaced).toLowerCase();
  } catch {
    return spaced.toLowerCase();
  }
}

/** Cuts a string attribute to at most `maxLength` characters. */
export function capLength<T>(value: T, maxLength: number): T {
  return typeof value === 'string' && value.length > maxLength ? (value.slice(0, maxLength) as T) : value;
}
