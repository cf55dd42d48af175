/*
 * Errors Express and Connect catch. Both answer an error nobody handled with
 * `finalhandler`, a module they require by name: hooking it reports exactly
 * the errors the framework answers itself, whatever the framework's version
 * or its install name (an npm alias such as "express4").
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { reportRequestException } from './reporting';
import {
  isNativePromise,
  isRequest,
  observeRejection as observeNativeRejection,
  readProperty,
} from '../safety/foreign-values';

type Done = (this: unknown, err?: unknown) => unknown;
type Finalhandler = (this: unknown, req: IncomingMessage, res: ServerResponse, options?: object) => Done;

export function finalhandlerDefinition(): InstrumentationNodeModuleDefinition {
  // No unpatch: the frameworks keep the function they required; once disabled it reports nothing.
  return new InstrumentationNodeModuleDefinition('finalhandler', ['>=1 <3'], wrapFinalhandler);
}

/* Registered twice, it is wrapped twice: harmless, an error fires gotRequestException once. */
function wrapFinalhandler(original: Finalhandler): Finalhandler {
  return function finalhandler(this: unknown, req, res) {
    const done = Reflect.apply(original, this, arguments) as Done;
    return function (this: unknown, err?: unknown) {
      // Before the answer: receivers run while the span is open and nothing was sent.
      if (err && isRequest(req) && answersWithServerError(err, res)) reportRequestException(req, err);
      return Reflect.apply(done, this, arguments) as unknown;
    };
  };
}

/*
 * Like Django, which does not fire got_request_exception for Http404,
 * PermissionDenied or BadRequest: an error carrying a 4xx status is the
 * client's, answered as such. Same status choice as finalhandler's.
 */
function answersWithServerError(err: unknown, res: ServerResponse): boolean {
  const status = errorStatus(err) ?? (res.statusCode >= 400 && res.statusCode <= 599 ? res.statusCode : 500);
  return status >= 500;
}

function errorStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  for (const value of [readProperty(err, 'status'), readProperty(err, 'statusCode')]) {
    if (typeof value === 'number' && value >= 400 && value < 600) return value;
  }
  return undefined;
}

/**
 * Reports the rejection of a promise a framework ignores (Express 4, Connect).
 * Only native promises: the framework never calls a thenable's `then`, so we
 * must not either. Re-thrown, so the derived promise is unhandled just as the
 * handler's was.
 */
export function observeRejection(result: unknown, request: IncomingMessage): void {
  if (!isNativePromise(result)) return;
  observeNativeRejection(result, error => {
    if (isRequest(request)) reportRequestException(request, error);
    throw error;
  });
}
