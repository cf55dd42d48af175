/*
 * Hono 4 answers every Error a handler or middleware throws through the app's
 * error handler (`app.onError`, or its default 500), never letting it reach
 * the server. Hono keeps that handler in an instance field and calls it
 * straight from a private method, so the one place to see it is the app
 * itself: HonoBase, the class every Hono preset extends, is replaced by a
 * subclass that watches each app's errorHandler (hono-errors.ts). Routes come
 * from the Context Hono builds for each request (hono-routes.ts). The same
 * patches serve the ESM build (dist/) and the CommonJS one (dist/cjs/).
 */
import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import type { FrameworkAdapter } from '../request/record';
import { HonoApp, watchErrorHandler, whileReadingRawErrorHandlers } from './hono-errors';
import { ContextClass, reportingRoutes } from './hono-routes';
import { replaceMethod, restoreMethod } from './method-patching';

type AppMethod = (this: HonoApp, ...args: unknown[]) => unknown;

type HonoBaseClass = new (...args: unknown[]) => HonoApp;
type AnyClass = new (...args: never[]) => object;

interface HonoBaseModule {
  HonoBase: HonoBaseClass;
}

interface ContextModule {
  Context: ContextClass;
}

const SUPPORTED_VERSIONS = ['>=4.0.0 <5'];

export const honoAdapter: FrameworkAdapter = {
  moduleDefinitions: () => [
    new InstrumentationNodeModuleDefinition(
      'hono',
      SUPPORTED_VERSIONS,
      undefined,
      undefined,
      ['hono/dist', 'hono/dist/cjs'].flatMap(dir => [
        new InstrumentationNodeModuleFile(`${dir}/hono-base.js`, SUPPORTED_VERSIONS, patchHonoBase, keepHonoBase),
        new InstrumentationNodeModuleFile(`${dir}/context.js`, SUPPORTED_VERSIONS, patchContext, unpatchContext),
      ])
    ),
  ],
};

function patchHonoBase(exports: HonoBaseModule): HonoBaseModule {
  const prototype = exports.HonoBase.prototype as object;
  replaceMethod(prototype, 'basePath', watchingClones);
  replaceMethod(prototype, 'route', (original: AppMethod) => whileReadingRawErrorHandlers(original));
  replaceClass(exports, 'HonoBase', original => watchingApps(original as HonoBaseClass));
  return exports;
}

/*
 * No unpatch: Hono extends HonoBase once, as it loads, and apps watched so far
 * keep their accessor, which route() must keep reading raw. Once disabled,
 * nothing is instrumented, so they report nothing.
 */
function keepHonoBase(): void {}

/* A class is replaced like a method: replaceMethod only needs something callable by `new` or not. */
function replaceClass(target: object, name: string, replace: (original: AnyClass) => AnyClass): void {
  replaceMethod(target, name, original => replace(original as unknown as AnyClass) as unknown as typeof original);
}

/* Every app built with `new` (Hono, and the hono/tiny and hono/quick presets). */
function watchingApps(HonoBase: HonoBaseClass): HonoBaseClass {
  const Watched = class extends HonoBase {
    constructor(...args: unknown[]) {
      super(...args);
      watchErrorHandler(this);
    }
  };
  Object.defineProperty(Watched, 'name', { value: HonoBase.name });
  return Watched;
}

/* basePath() (and route(), through it) clones the app with HonoBase itself, bypassing the subclass. */
function watchingClones(basePath: AppMethod): AppMethod {
  return function basePathWatchingClone(this: HonoApp) {
    const clone = Reflect.apply(basePath, this, arguments) as HonoApp;
    watchErrorHandler(clone);
    return clone;
  };
}

function patchContext(exports: ContextModule): ContextModule {
  replaceClass(exports, 'Context', original => reportingRoutes(original as ContextClass));
  return exports;
}

function unpatchContext(exports?: ContextModule): void {
  if (exports !== undefined) restoreMethod(exports, 'Context');
}
