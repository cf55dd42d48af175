/*
 * Koa 2 and 3 catch what escapes the middleware stack and answer it in
 * ctx.onerror, which also emits 'error' on the app. We do not listen to that
 * event: Koa logs errors only while the app has no 'error' listener. Instead we
 * wrap the two methods Koa itself calls: onerror on its base context (every
 * error Koa answers) and Application#handleRequest (the route @koa/router
 * matched, once the stack has settled).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import type { FrameworkAdapter } from '../request/record';
import { reportRequestException, setRoute } from './reporting';
import { replaceMethod, restoreMethod } from './method-patching';

/** The little of Koa's context we use, in both majors. */
interface KoaContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly headerSent: boolean;
  readonly writable: boolean;
  /** Set by @koa/router: the template of the most specific route that matched. */
  readonly _matchedRoute?: unknown;
}

type Middleware = (ctx: KoaContext) => Promise<unknown>;
type HandleRequest = (this: unknown, ctx: KoaContext, fnMiddleware: Middleware) => Promise<unknown>;
type OnError = (this: KoaContext, error: unknown) => unknown;

interface KoaApplication {
  prototype: { handleRequest: HandleRequest };
}

interface KoaBaseContext {
  onerror: OnError;
}

const SUPPORTED_VERSIONS = ['>=2.0.0 <4'];

export const koaAdapter: FrameworkAdapter = {
  moduleDefinitions: () => [
    new InstrumentationNodeModuleDefinition(
      'koa',
      SUPPORTED_VERSIONS,
      (application: KoaApplication) => {
        replaceMethod(application.prototype, 'handleRequest', reportingRoute);
        return application;
      },
      (application?: KoaApplication) => {
        if (application !== undefined) restoreMethod(application.prototype, 'handleRequest');
      },
      [
        new InstrumentationNodeModuleFile(
          'koa/lib/context.js',
          SUPPORTED_VERSIONS,
          (context: KoaBaseContext) => {
            replaceMethod(context, 'onerror', reportingServerErrors);
            return context;
          },
          (context?: KoaBaseContext) => {
            if (context !== undefined) restoreMethod(context, 'onerror');
          }
        ),
      ]
    ),
  ],
};

function reportingRoute(handleRequest: HandleRequest): HandleRequest {
  return function handleRequestReportingRoute(this: unknown, ctx, fnMiddleware) {
    // Koa answers only after the stack settles: the route is known before the response and before onerror.
    const stackThenRoute: Middleware = context => fnMiddleware(context).finally(() => reportRoute(context));
    return handleRequest.call(this, ctx, stackThenRoute);
  };
}

function reportRoute(ctx: KoaContext): void {
  const route = ctx._matchedRoute;
  if (typeof route === 'string' && route !== '') setRoute(ctx.req, route);
}

/*
 * Reports what Koa answers with a 5xx. Not a 4xx (ctx.throw(404)), like Django;
 * not an error after the headers went out, which Koa can only log (mostly a
 * client that went away).
 */
function reportingServerErrors(onerror: OnError): OnError {
  return function onerrorReportingServerErrors(this: KoaContext, error: unknown) {
    const koaWillAnswer = error != null && !this.headerSent && this.writable;
    const result = onerror.call(this, error);
    if (koaWillAnswer && this.res.statusCode >= 500) reportRequestException(this.req, error);
    return result;
  };
}
