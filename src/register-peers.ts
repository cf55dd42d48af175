/*
 * The packages the zero-code start looks for: @opentelemetry/sdk-node (needed)
 * and @opentelemetry/auto-instrumentations-node (used when installed). Neither
 * is a dependency, nor a peer dependency: npm resolves even a missing optional
 * peer to its newest version, whose own peers (the newest @opentelemetry/api)
 * then conflict with a project on the previous OpenTelemetry line (ERESOLVE).
 * So npm checks nothing here, and /register checks the SDK's version itself.
 */
import * as fs from 'fs';
import * as path from 'path';

export const SDK_NODE = '@opentelemetry/sdk-node';
export const AUTO_INSTRUMENTATIONS = '@opentelemetry/auto-instrumentations-node';

/** What a user who loads /register without the SDK reads, on one line of stderr. */
export const SDK_MISSING_MESSAGE =
  `otel-request-signals/register: ${SDK_NODE} is not installed, so no spans are exported ` +
  `(the request signals still fire). Install it next to otel-request-signals: npm install ${SDK_NODE}`;

/** The oldest @opentelemetry/sdk-node /register starts (the SDK 2.0 line). */
export const SDK_NODE_MINIMUM = '0.200.0';

/** What a user who loads /register with an SDK older than SDK_NODE_MINIMUM reads, on one line of stderr. */
export function sdkTooOldMessage(version: string): string {
  return (
    `otel-request-signals/register: ${SDK_NODE} ${version} is too old (${SDK_NODE_MINIMUM} or newer is needed), ` +
    `so no spans are exported (the request signals still fire). Upgrade it: npm install ${SDK_NODE}@latest`
  );
}

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
    code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.startsWith(`Cannot find module '${name}'`)
  );
}

/**
 * The version in the package.json of the installed package `name`, read
 * without loading the package; `undefined` when it does not resolve or its
 * package.json has no version. The package.json is found by walking up from
 * its entry file, since a package's `exports` may not give `./package.json`.
 */
export function installedVersion(name: string, resolve: (id: string) => string = require.resolve): string | undefined {
  let entry: string;
  try {
    entry = resolve(name);
  } catch {
    return undefined; // loading it says why, if it is there at all
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = readManifest(path.join(dir, 'package.json'));
    if (manifest?.name === name) return typeof manifest.version === 'string' ? manifest.version : undefined;
  }
  return undefined;
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

/** Whether `version` is below `minimum`, by major, minor and patch; a version that is not x.y.z is not. */
export function isOlderThan(version: string, minimum: string): boolean {
  const parts = (text: string) => /^v?(\d+)\.(\d+)\.(\d+)/.exec(text)?.slice(1).map(Number);
  const [have, need] = [parts(version), parts(minimum)];
  if (have === undefined || need === undefined) return false;
  const differing = have.findIndex((part, i) => part !== need[i]);
  return differing !== -1 && have[differing] < need[differing];
}
