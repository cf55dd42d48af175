/*
 * Errors Nest answers itself. Whatever the platform, every error Nest catches
 * (a controller, guard, pipe, interceptor or Nest middleware that throws or
 * rejects, an error the platform hands to Nest's error layer) goes through an
 * ExceptionsHandler: to the app's exception filters first, and to Nest's own
 * answer, BaseExceptionFilter#catch, when none of them takes it or a filter
 * hands it back (`super.catch`). That method is the seam: what reaches it is
 * what Nest answers.
 */
import type { IncomingMessage } from 'http';
import { reportRequestException } from '../request-reporting';
import { incomingMessageOf } from './nestjs-request';

type Catch = (this: unknown, exception: unknown, host: ArgumentsHost) => unknown;
type ErrorLayerCallback = (this: unknown, error: unknown, ...rest: unknown[]) => unknown;
type CreateExceptionLayerProxy = (this: unknown, callback: ErrorLayerCallback, ...rest: unknown[]) => unknown;

/** The little of Nest's ArgumentsHost we use. */
interface ArgumentsHost {
  getArgByIndex(index: number): unknown;
  getType?(): string;
}

/*
 * Errors the platform hands to Nest's error layer (a body that is not JSON,
 * a FastifyError) reach the filters as Nest maps them: some become an
 * HttpException of the same status. The copy points back to the error the
 * platform or the app threw, which is the one we report.
 */
const originals = new WeakMap<object, unknown>();

/** Replaces BaseExceptionFilter#catch: reports what Nest answers with a 5xx, then lets it answer. */
export function reportingServerErrors(original: Catch): Catch {
  return function catchReportingServerErrors(this: unknown, exception, host) {
    const request = httpRequestOf(host);
    // Before the answer: receivers run while the span is open and nothing was sent.
    if (request !== undefined && answersWithServerError(exception)) {
      reportRequestException(request, originalOf(exception));
    }
    return Reflect.apply(original, this, arguments);
  } as Catch;
}

/**
 * Replaces RouterProxy#createExceptionLayerProxy(callback, handler): Nest's
 * callback throws the mapped error (Nest 11: RoutesResolver#mapExternalException,
 * 12: the adapter's mapException); remember which error a copy stands for.
 */
export function rememberingOriginals(original: CreateExceptionLayerProxy): CreateExceptionLayerProxy {
  return function createExceptionLayerProxy(this: unknown, callback) {
    if (typeof callback !== 'function') return Reflect.apply(original, this, arguments);
    const remembering: ErrorLayerCallback = function (this: unknown, error) {
      try {
        return Reflect.apply(callback, this, arguments);
      } catch (thrown) {
        if (thrown !== error && typeof thrown === 'object' && thrown !== null) originals.set(thrown, error);
        throw thrown;
      }
    };
    const args = [...arguments];
    args[0] = remembering;
    return Reflect.apply(original, this, args);
  };
}

function originalOf(exception: unknown): unknown {
  return typeof exception === 'object' && exception !== null && originals.has(exception)
    ? originals.get(exception)
    : exception;
}

/* The request of an HTTP host; other contexts (RPC, WebSockets) have none. */
function httpRequestOf(host: ArgumentsHost): IncomingMessage | undefined {
  try {
    if (typeof host?.getArgByIndex !== 'function') return undefined;
    if (typeof host.getType === 'function' && host.getType() !== 'http') return undefined;
    return incomingMessageOf(host.getArgByIndex(0));
  } catch {
    return undefined;
  }
}

/*
 * The status BaseExceptionFilter answers with, chosen as it chooses it: an
 * HttpException's own, an http-errors error's `statusCode`, else 500. The
 * error's, not the response's: an error after the headers went out (a stream
 * that fails midway) is still reported when it is a server error. Like
 * Django, an error with a 4xx status (NotFoundException) is the client's.
 * A getter that throws here would throw in Nest too: then we report nothing.
 */
function answersWithServerError(exception: unknown): boolean {
  try {
    return statusOf(exception) >= 500;
  } catch {
    return false;
  }
}

function statusOf(exception: unknown): number {
  if (typeof exception !== 'object' || exception === null) return 500;
  const { getStatus, getResponse, statusCode, message } = exception as {
    getStatus?: unknown;
    getResponse?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  // An HttpException, whichever copy of @nestjs/common made it.
  if (typeof getStatus === 'function' && typeof getResponse === 'function') {
    const status: unknown = Reflect.apply(getStatus, exception, []);
    return typeof status === 'number' ? status : 500;
  }
  // Nest's own test for an http-errors error.
  if (statusCode && message) return typeof statusCode === 'number' ? statusCode : Number(statusCode);
  return 500;
}
