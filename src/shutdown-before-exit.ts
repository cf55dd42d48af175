/*
 * Shuts the SDK down (which exports the spans still queued) before the process
 * ends, without changing how it ends:
 *
 * - A SIGTERM or SIGINT that nothing else listens to ends a Node process at
 *   once. We flush first, then raise the same signal again without our
 *   listener, so the process still ends by that signal (exit status 143 or
 *   130). A second signal during the flush ends it without waiting.
 * - A signal the application listens to is the application's to handle: it
 *   decides when to exit (typically by closing its servers), and we flush when
 *   the event loop empties.
 * - When the event loop empties ('beforeExit'), we flush; the process then
 *   exits as it would have. An explicit process.exit() skips this, as it skips
 *   every asynchronous step.
 */
import { diag } from '@opentelemetry/api';
import { logNeverSilently } from './safety/never-silent';
import { PACKAGE_NAME } from './version';
import { describe, readProperty } from './safety/foreign-values';

const EXIT_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** What shutdownBeforeExit needs of an SDK: NodeSDK, or a provider with `shutdown()`. */
export interface ShutsDown {
  shutdown(): Promise<unknown>;
}

/**
 * Exports the last spans before the process ends, by SIGTERM, SIGINT or an
 * empty event loop, and leaves the way it ends unchanged. A failed shutdown
 * (say, the collector is unreachable) is reported through `diag.error`, or
 * `console.error` while no diag logger is registered.
 */
export function shutdownBeforeExit(sdk: ShutsDown): void {
  if (typeof readProperty(sdk, 'shutdown') !== 'function') {
    throw new TypeError(`shutdownBeforeExit() expects an SDK with a shutdown() method, got ${describe(sdk)}`);
  }
  let flushed: Promise<void> | undefined;
  const flush = (): Promise<void> => (flushed ??= shutDown(sdk));

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // Ours runs first (prepended): the application's listeners are all still attached.
    if (process.listenerCount(signal) > 1) return;
    if (signalled) return raiseAgain(signal);
    signalled = true;
    void flush().then(() => raiseAgain(signal));
  };
  const raiseAgain = (signal: NodeJS.Signals): void => {
    for (const name of EXIT_SIGNALS) process.removeListener(name, onSignal);
    process.kill(process.pid, signal);
  };

  for (const signal of EXIT_SIGNALS) process.prependListener(signal, onSignal);
  process.on('beforeExit', () => void flush());
}

async function shutDown(sdk: ShutsDown): Promise<void> {
  try {
    await sdk.shutdown();
  } catch (error) {
    const logger = diag.createComponentLogger({ namespace: PACKAGE_NAME });
    logNeverSilently('error', logger, 'the SDK did not shut down cleanly; the last spans may be lost', error);
  }
}
