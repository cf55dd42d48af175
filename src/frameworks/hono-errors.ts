/*
 * The errors a Hono app answers. Every Error a handler or middleware throws
 * (or rejects with) goes to the app's errorHandler, which Hono reads from the
 * app each time: an accessor there hands Hono a wrapper that reports what its
 * handler answers with a 5xx, before the answer is written.
 */
import type { IncomingMessage } from 'http';
import { reportRequestException } from './reporting';
import { isRequest } from '../safety/foreign-values';

type ErrorHandler = (this: unknown, error: unknown, c: unknown) => unknown;

/** The little of a Hono app we use. */
export interface HonoApp {
  errorHandler: ErrorHandler;
}

/* Wrapper → the handler it wraps, and back: an app's handler keeps one wrapper, however often it is read. */
const rawHandlers = new WeakMap<ErrorHandler, ErrorHandler>();
const wrappers = new WeakMap<ErrorHandler, ErrorHandler>();

/*
 * app.route(path, sub) compares sub.errorHandler with Hono's default to decide
 * whether errors of sub's routes go to the parent's handler: during route(),
 * reads give the handler itself.
 */
let rawReads = 0;

export function watchErrorHandler(app: HonoApp): void {
  const descriptor = Object.getOwnPropertyDescriptor(app, 'errorHandler');
  if (descriptor === undefined || !('value' in descriptor)) return; // already watched, or not an app we know
  let handler = unwrapped(descriptor.value as ErrorHandler);
  let wrapper = wrapperOf(handler);
  Object.defineProperty(app, 'errorHandler', {
    configurable: true,
    enumerable: descriptor.enumerable,
    get: () => (rawReads > 0 ? handler : wrapper),
    set: (value: ErrorHandler) => {
      handler = unwrapped(value);
      wrapper = wrapperOf(handler);
    },
  });
}

export function whileReadingRawErrorHandlers<F extends (this: HonoApp, ...args: unknown[]) => unknown>(route: F): F {
  return function routeReadingRawErrorHandlers(this: HonoApp) {
    rawReads++;
    try {
      return Reflect.apply(route, this, arguments) as unknown;
    } finally {
      rawReads--;
    }
  } as F;
}

function unwrapped(handler: ErrorHandler): ErrorHandler {
  return rawHandlers.get(handler) ?? handler;
}

function wrapperOf(handler: ErrorHandler): ErrorHandler {
  if (typeof handler !== 'function') return handler; // Hono's own TypeError, when it calls it, stays Hono's
  let wrapper = wrappers.get(handler);
  if (wrapper === undefined) {
    wrapper = reportingServerErrors(handler);
    wrappers.set(handler, wrapper);
    rawHandlers.set(wrapper, handler);
  }
  return wrapper;
}

/*
 * Like Fastify's setErrorHandler and Django's handler500: what the handler
 * answers decides. A 5xx reports the error; a 4xx (HTTPException(404) through
 * the default handler) or a 2xx reports nothing. A handler that throws lets the
 * error out of Hono, and @hono/node-server answers 500: what it threw is reported.
 */
function reportingServerErrors(handler: ErrorHandler): ErrorHandler {
  return function errorHandler(this: unknown, error: unknown, c: unknown) {
    let answer: unknown;
    try {
      answer = Reflect.apply(handler, this, arguments);
    } catch (thrown) {
      report(c, thrown);
      throw thrown;
    }
    // Only a native promise: calling then() on another thenable a second time could change what it does.
    if (answer instanceof Promise) {
      answer.then(
        settled => reportIfServerError(c, error, settled),
        thrown => report(c, thrown)
      );
    } else {
      reportIfServerError(c, error, answer);
    }
    return answer;
  };
}

function reportIfServerError(c: unknown, error: unknown, answer: unknown): void {
  if (statusOf(answer) >= 500) report(c, error);
}

function statusOf(answer: unknown): number {
  try {
    const status = (answer as { status?: unknown } | null)?.status;
    return typeof status === 'number' ? status : 0;
  } catch {
    return 0;
  }
}

/*
 * As for Koa: once the client went away (or the headers went out) there is no
 * answer to give, and requestFinished has fired or is about to.
 */
function report(c: unknown, error: unknown): void {
  let env: { outgoing?: { headersSent?: unknown; destroyed?: unknown } } | undefined;
  try {
    env = (c as { env?: typeof env } | null)?.env;
    if (env?.outgoing?.headersSent === true || env?.outgoing?.destroyed === true) return;
  } catch {
    return;
  }
  const incoming = incomingOf(env);
  if (incoming !== undefined) reportRequestException(incoming, error);
}

/** @hono/node-server hands each request's IncomingMessage to the app as env.incoming (c.env.incoming). */
export function incomingOf(env: unknown): IncomingMessage | undefined {
  try {
    const incoming = (env as { incoming?: unknown } | null | undefined)?.incoming;
    return isRequest(incoming) ? incoming : undefined;
  } catch {
    return undefined;
  }
}
