/*
 * What Signal does with receivers' responses and errors: await them
 * together, settle promises robustly, and report failures through diag.
 */
import type { DiagLogger } from '@opentelemetry/api';
import { logNeverSilently } from '../safety/never-silent';
import { isPromiseLike, receiverName, safeString } from '../safety/foreign-values';

type AnyFunction = (...args: never[]) => unknown;

/** Where a robust send reports a receiver's failure: who sent (for the message) and the logger. */
export interface FailureReporting {
  readonly where: string;
  readonly logger: DiagLogger;
}

/** asend's gather: awaits every response together, keeping the pairs' order. */
export async function awaitResponses<P extends [unknown, unknown]>(responses: P[]): Promise<P[]> {
  const values = await Promise.all(responses.map(([, response]) => response));
  return responses.map(([receiver], i) => [receiver, values[i]] as P);
}

/** A promise of the value, or of the error (reported): it never rejects. */
export function settleRobustly(
  response: PromiseLike<unknown>,
  reporting: FailureReporting,
  receiver: AnyFunction
): Promise<unknown> {
  return Promise.resolve(response).then(undefined, (error: unknown) => {
    reportReceiverError(reporting, receiver, error);
    return error;
  });
}

/** Marks a promise's rejection as handled (asend reports the first error only). */
export function ignoreRejection(response: unknown): void {
  try {
    if (isPromiseLike(response)) Promise.resolve(response).then(undefined, () => undefined);
  } catch {
    // a `then` or `constructor` getter that throws: nothing is pending
  }
}

/**
 * Logs a receiver's error through its logger, or on console.error while no
 * diag logger is registered (safety/never-silent.ts). Never throws: it runs where a throw would break a request.
 */
export function reportReceiverError(reporting: FailureReporting, receiver: AnyFunction, error: unknown): void {
  try {
    const message = `Error calling ${receiverName(receiver)} in ${reporting.where} (${safeString(error)})`;
    logNeverSilently('error', reporting.logger, message, error);
  } catch {
    // a DiagLogger that throws: there is nowhere left to report to
  }
}
