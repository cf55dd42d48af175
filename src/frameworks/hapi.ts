/*
 * Hapi 21 turns every error a lifecycle method throws into a Boom response and
 * answers it itself. We wrap three functions Hapi calls by name:
 * Transmit.send (the response about to be written: a Boom with a 5xx status is
 * an error Hapi answers), Request#_lookup (the matched route) and
 * Boom.badImplementation (Hapi answers a thrown TypeError and the other
 * built-in errors with a copy made there; we remember the original).
 */
import type { IncomingMessage } from 'http';
import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import type { FrameworkAdapter } from '../request/record';
import { reportRequestException, setRoute } from './reporting';
import { isRequest } from '../safety/foreign-values';
import { replaceMethod, restoreMethod } from './method-patching';

/** The little of Hapi's request we use. */
interface HapiRequest {
  readonly raw: { readonly req: IncomingMessage };
  readonly route: { readonly method: string; readonly path: string };
  readonly response: unknown;
}

interface BoomLike {
  readonly isBoom: true;
  readonly output: { readonly statusCode: number };
}

type Send = (this: unknown, request: HapiRequest) => Promise<unknown>;
type Lookup = (this: HapiRequest) => unknown;
type BadImplementation = (this: unknown, message?: unknown, data?: unknown) => unknown;

interface TransmitModule {
  send: Send;
}
interface RequestClass {
  prototype: { _lookup: Lookup };
}
interface BoomModule {
  badImplementation: BadImplementation;
}

const HAPI_VERSIONS = ['>=21 <22'];
const BOOM_VERSIONS = ['>=10 <11'];

/* A Boom that Boom.badImplementation copied from an error, and that error. */
const originals = new WeakMap<object, unknown>();

export const hapiAdapter: FrameworkAdapter = {
  moduleDefinitions: () => [
    new InstrumentationNodeModuleDefinition('@hapi/hapi', HAPI_VERSIONS, undefined, undefined, [
      new InstrumentationNodeModuleFile(
        '@hapi/hapi/lib/transmit.js',
        HAPI_VERSIONS,
        (transmit: TransmitModule) => {
          replaceMethod(transmit, 'send', reportingServerErrors);
          return transmit;
        },
        (transmit?: TransmitModule) => transmit && restoreMethod(transmit, 'send')
      ),
      new InstrumentationNodeModuleFile(
        '@hapi/hapi/lib/request.js',
        HAPI_VERSIONS,
        (Request: RequestClass) => {
          replaceMethod(Request.prototype, '_lookup', reportingRoute);
          return Request;
        },
        (Request?: RequestClass) => Request && restoreMethod(Request.prototype, '_lookup')
      ),
    ]),
    new InstrumentationNodeModuleDefinition(
      '@hapi/boom',
      BOOM_VERSIONS,
      (boom: BoomModule) => {
        replaceMethod(boom, 'badImplementation', rememberingOriginals);
        return boom;
      },
      (boom?: BoomModule) => boom && restoreMethod(boom, 'badImplementation')
    ),
  ],
};

/* Before the answer is written: receivers run while the span is open and nothing was sent. */
function reportingServerErrors(send: Send): Send {
  return function sendReportingServerErrors(this: unknown, request) {
    const error = serverErrorOf(request);
    if (error !== undefined) reportRequestException(request.raw.req, originals.get(error) ?? error);
    return Reflect.apply(send, this, arguments) as Promise<unknown>;
  };
}

/*
 * The Boom Hapi is about to answer with a 5xx. Not a 4xx (Boom.notFound, a
 * failed validation), like Django; not a response an onPreResponse extension
 * put in its place, which is the application's own answer.
 */
function serverErrorOf(request: HapiRequest): BoomLike | undefined {
  try {
    const response = request.response as Partial<BoomLike> | null;
    if (response?.isBoom !== true || !isRequest(request.raw?.req)) return undefined;
    const status = response.output?.statusCode;
    return typeof status === 'number' && status >= 500 ? (response as BoomLike) : undefined;
  } catch {
    return undefined; // an odd object in request.response is Hapi's to answer, not ours to break on
  }
}

function reportingRoute(lookup: Lookup): Lookup {
  return function lookupReportingRoute(this: HapiRequest) {
    const result = lookup.call(this);
    const { route, raw } = this;
    // Hapi's own not-found and bad-request routes are `_special`: a request no route matched has no template.
    const template = route.method === '_special' ? undefined : route.path;
    if (typeof template === 'string' && template !== '' && isRequest(raw.req)) setRoute(raw.req, template);
    return result;
  };
}

/*
 * Hapi answers a thrown TypeError (and RangeError, ReferenceError, …) with
 * Boom.badImplementation(error), which boomifies a deep copy of it; any other
 * error is boomified in place. Receivers get the error the application threw.
 */
function rememberingOriginals(badImplementation: BadImplementation): BadImplementation {
  return function badImplementationRememberingOriginal(this: unknown, message?: unknown) {
    const boom = Reflect.apply(badImplementation, this, arguments) as unknown;
    if (message instanceof Error && typeof boom === 'object' && boom !== null && boom !== message) {
      originals.set(boom, message);
    }
    return boom;
  };
}
