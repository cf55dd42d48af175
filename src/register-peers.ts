/*
 * The optional peers of the zero-code start: @opentelemetry/sdk-node (needed)
 * and @opentelemetry/auto-instrumentations-node (used when installed). Neither
 * is a dependency, so a user who never loads /register installs neither.
 */

export const SDK_NODE = '@opentelemetry/sdk-node';
export const AUTO_INSTRUMENTATIONS = '@opentelemetry/auto-instrumentations-node';

/** What a user who loads /register without the SDK reads, on one line of stderr. */
export const SDK_MISSING_MESSAGE =
  `otel-request-signals/register: ${SDK_NODE} is not installed, so no spans are exported ` +
  `(the request signals still fire). Install it next to otel-request-signals: npm install ${SDK_NODE}`;

/** The start of the line a user reads when the SDK is installed but did not load or start. */
export const SDK_FAILED_MESSAGE =
  'otel-request-signals/register: the OpenTelemetry SDK did not start, so no spans are exported ' +
  '(the request signals still fire)';

/**
 * `require(name)`, or `undefined` when that package itself is not installed.
 * Any other failure (the package is there but one of its own dependencies is
 * missing, or it throws while loading) is thrown: that is not "not installed".
 */
export function loadOptionalPeer<T>(name: string, load: (id: string) => unknown = require): T | undefined {
  try {
    return load(name) as T;
  } catch (error) {
    if (isNotFound(error, name)) return undefined;
    throw error;
  }
}

function isNotFound(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === 'MODULE_NOT_FOUND' &&
    typeof message === 'string' &&
    message.startsWith(`Cannot find module '${name}'`)
  );
}
