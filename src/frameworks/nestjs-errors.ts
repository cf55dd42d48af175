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
type MapExternalException = (this: unknown, error: unknown) => unknown;

/** The little of Nest's ArgumentsHost we use. */
interface ArgumentsHost {
  getArgByIndex(index: number): unknown;
  getType?(): string;
}

/*
 * Nest turns some errors the platform hands it into HttpExceptions of the same
 * status (a FastifyError, body-parser's SyntaxError): the copy points back to
 * the error the app or the platform threw, which is the one we report.
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

/** Replaces RoutesResolver#mapExternalException: remembers which error a copy stands for. */
export function rememberingOriginals(original: MapExternalException): MapExternalException {
  return function mapExternalException(this: unknown, error: unknown) {
    const mapped = Reflect.apply(original, this, arguments);
    if (mapped !== error && typeof mapped === 'object' && mapped !== null) originals.set(mapped, error);
    return mapped;
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
