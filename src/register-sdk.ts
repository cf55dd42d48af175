/*
 * Starts NodeSDK the way @opentelemetry/auto-instrumentations-node/register
 * does (everything from the standard OTEL_* variables), with this package's
 * instrumentation owning the SERVER span of every http/https request.
 */
import { DiagConsoleLogger, diag } from '@opentelemetry/api';
import { diagLogLevelFromString, getStringFromEnv } from '@opentelemetry/core';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import {
  AUTO_INSTRUMENTATIONS,
  SDK_FAILED_MESSAGE,
  SDK_MISSING_MESSAGE,
  SDK_NODE,
  SDK_NODE_MINIMUM,
  installedVersion,
  isOlderThan,
  loadOptionalPeer,
  sdkTooOldMessage,
} from './register-peers';

type SdkNode = typeof import('@opentelemetry/sdk-node');
type AutoInstrumentations = typeof import('@opentelemetry/auto-instrumentations-node');

/** The part of NodeSDK the exit handling needs. */
export interface StartedSdk {
  shutdown(): Promise<void>;
}

/**
 * instrumentation-http keeps the client side (a CLIENT span for each outgoing
 * request), but opens no SERVER span: ours is the request's one SERVER span.
 */
const AUTO_INSTRUMENTATIONS_CONFIG = {
  '@opentelemetry/instrumentation-http': { disableIncomingRequestInstrumentation: true },
};

/**
 * Starts the SDK with the instrumentation `ours()` returns and returns it;
 * returns `undefined` when the SDK is not installed, is too old (checked
 * before it is loaded) or did not start, said in one line on stderr (diag has
 * no logger unless OTEL_LOG_LEVEL is set).
 *
 * `ours()` is called only after the auto-instrumentations are created: once
 * any instrumentation exists, require-in-the-middle answers each later
 * `require(name)` from what it saw the first time, so an instrumentation-http
 * created after something required 'http' (loading the auto-instrumentations
 * does) would never patch the client side.
 */
export function startFromEnvironment(ours: () => Instrumentation): StartedSdk | undefined {
  try {
    const version = installedVersion(SDK_NODE);
    if (version !== undefined && isOlderThan(version, SDK_NODE_MINIMUM)) return warn(sdkTooOldMessage(version));
    const sdkNode = loadOptionalPeer<SdkNode>(SDK_NODE);
    if (sdkNode === undefined) return warn(SDK_MISSING_MESSAGE);
    const { instrumentations, resourceDetectors } = withLogLevelFromEnv(fromAutoInstrumentations);
    const sdk = new sdkNode.NodeSDK({
      instrumentations: [ours(), ...instrumentations],
      // Only with the auto-instrumentations, as their own register does: theirs include the cloud detectors.
      ...(resourceDetectors === undefined ? {} : { resourceDetectors }),
    });
    sdk.start();
    return sdk;
  } catch (error) {
    return warn(`${SDK_FAILED_MESSAGE}: ${describe(error)}`);
  }
}

function warn(message: string): undefined {
  process.stderr.write(`${message}\n`);
  return undefined;
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? (error.stack ?? String(error)) : String(error);
  } catch {
    return 'an error that cannot be printed';
  }
}

interface FromAutoInstrumentations {
  instrumentations: Instrumentation[];
  resourceDetectors?: ReturnType<AutoInstrumentations['getResourceDetectors']>;
}

function fromAutoInstrumentations(): FromAutoInstrumentations {
  const auto = loadOptionalPeer<AutoInstrumentations>(AUTO_INSTRUMENTATIONS);
  if (auto === undefined) {
    diag.debug(
      `otel-request-signals/register: ${AUTO_INSTRUMENTATIONS} is not installed; using this instrumentation alone`
    );
    return { instrumentations: [] };
  }
  return {
    instrumentations: auto.getNodeAutoInstrumentations(AUTO_INSTRUMENTATIONS_CONFIG),
    resourceDetectors: auto.getResourceDetectors(),
  };
}

/**
 * Runs `fn` with OTEL_LOG_LEVEL's console logger, so that what the
 * auto-instrumentations report while they are created is seen; NodeSDK then
 * installs its own logger from the same variable (as the upstream register does).
 */
function withLogLevelFromEnv<T>(fn: () => T): T {
  const logLevel = getStringFromEnv('OTEL_LOG_LEVEL');
  if (logLevel === undefined) return fn();
  diag.setLogger(new DiagConsoleLogger(), { logLevel: diagLogLevelFromString(logLevel) });
  try {
    return fn();
  } finally {
    diag.disable();
  }
}
