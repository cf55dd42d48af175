/*
 * Errors Nest answers itself. Whatever the platform, every error Nest catches
 * (a controller, guard, pipe, interceptor or Nest middleware that throws or
 * rejects, an error the platform hands to Nest's error layer) goes through an
 * ExceptionsHandler: to the app's exception filters first, and to Nest's own
 * answer, BaseExceptionFilter#catch, when none of them takes it or a filter
 * hands it back (`super.catch`). That method is the seam: what reaches it is
 * what Nest answers.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { reportRequestException } from './reporting';
import { incomingMessageOf, serverResponseOf } from './nestjs-request';

type Catch = (this: unknown, exception: unknown, host: ArgumentsHost) => unknown;
type ErrorLayerCallback = (this: unknown, error: unknown, ...rest: unknown[]) => unknown;
type CreateExceptionLayerProxy = (this: unknown, callback: ErrorLayerCallback, ...rest: unknown[]) => unknown;

/** The little of Nest's ArgumentsHost we use. */
interface ArgumentsHost {
  getArgByIndex(index: number): unknown;
  getType?(): string;
}

/*
 * Errors the platform hands to Nest's error layer (a FastifyError, a body
 * that is not JSON) reach the filters as Nest maps them: some become an
 * HttpException of the same status. The copy points back to the error the
 * platform or the app threw, which is the one we report.
 */
const originals = new WeakMap<object, unknown>();

/**
 * Replaces BaseExceptionFilter#catch: lets Nest answer, then reports the error
 * when the answer is a 5xx. Like Django, an error Nest answers with a 4xx
 * (NotFoundException, a validation error) is the client's. When the headers
 * had already gone out (a response that fails midway), Nest can only end the
 * response: then the error's own status decides, as Nest would have chosen it.
 * When Nest's answer throws, nothing is reported here: the error goes on to
 * whatever answers it next.
 */
export function reportingServerErrors(original: Catch): Catch {
  return function catchReportingServerErrors(this: unknown, exception, host) {
    const http = httpExchangeOf(host);
    if (http === undefined) return Reflect.apply(original, this, arguments) as unknown;
    const [request, response] = http;
    const answers = !response.headersSent;
    const result: unknown = Reflect.apply(original, this, arguments);
    const status = answers ? response.statusCode : statusNestChooses(exception);
    if (status >= 500) reportRequestException(request, originalOf(exception));
    return result;
  };
}

/**
 * Replaces RouterProxy#createExceptionLayerProxy(callback, handler): Nest's
 * callback throws the mapped error (Nest 11: RoutesResolver#mapExternalException,
 * 12: the adapter's mapException); remember which error a copy stands for.
 */
export function rememberingOriginals(original: CreateExceptionLayerProxy): CreateExceptionLayerProxy {
  return function createExceptionLayerProxy(this: unknown, callback) {
    if (typeof callback !== 'function') return Reflect.apply(original, this, arguments) as unknown;
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
    return Reflect.apply(original, this, args) as unknown;
  };
}

function originalOf(exception: unknown): unknown {
  return typeof exception === 'object' && exception !== null && originals.has(exception)
    ? originals.get(exception)
    : exception;
}

/* The request and response of an HTTP host; other contexts (RPC, WebSockets) have none. */
function httpExchangeOf(host: ArgumentsHost): [IncomingMessage, ServerResponse] | undefined {
  try {
    if (typeof host?.getArgByIndex !== 'function') return undefined;
    if (typeof host.getType === 'function' && host.getType() !== 'http') return undefined;
    const request = incomingMessageOf(host.getArgByIndex(0));
    const response = serverResponseOf(host.getArgByIndex(1));
    return request !== undefined && response !== undefined ? [request, response] : undefined;
  } catch {
    return undefined;
  }
}

/*
 * The status BaseExceptionFilter picks: an HttpException's own (told by its
 * methods, whichever copy of @nestjs/common made it), an http-errors error's
 * `statusCode`, else 500. An error that cannot tell its status (a getter that
 * throws) counts as a server error.
 */
function statusNestChooses(exception: unknown): number {
  if (typeof exception !== 'object' || exception === null) return 500;
  try {
    const { getStatus, getResponse, statusCode, message } = exception as Record<string, unknown>;
    if (typeof getStatus === 'function' && typeof getResponse === 'function') {
      const status: unknown = Reflect.apply(getStatus, exception, []);
      return typeof status === 'number' ? status : 500;
    }
    if (statusCode && message) return Number(statusCode);
    return 500;
  } catch {
    return 500;
  }
}
