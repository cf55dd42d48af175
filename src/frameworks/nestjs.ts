import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import type { FrameworkAdapter } from '../request/record';
import { rememberingOriginals, reportingServerErrors } from './nestjs-errors';
import { namingNestRoutes, namingResolvedRoutes } from './nestjs-routes';
import { AnyMethod, replaceMethod, restoreMethod } from './method-patching';

/**
 * NestJS 11 (CommonJS) and 12 (ES modules), on either platform (Express,
 * Fastify): the errors Nest answers itself with a 5xx (nestjs-errors.ts) and
 * Nest's route templates (nestjs-routes.ts), from methods of @nestjs/core.
 */
export const nestjsAdapter: FrameworkAdapter = {
  moduleDefinitions: () => [
    new InstrumentationNodeModuleDefinition('@nestjs/core', SUPPORTED_VERSIONS, undefined, undefined, [
      classIn('exceptions/base-exception-filter.js', 'BaseExceptionFilter', { catch: reportingServerErrors }),
      classIn('router/router-proxy.js', 'RouterProxy', { createExceptionLayerProxy: rememberingOriginals }),
      classIn('router/router-explorer.js', 'RouterExplorer', {
        applyCallbackToRouter: namingNestRoutes,
        // Nest 12, when routes are sorted by specificity or checked for conflicts before they are registered.
        registerResolvedRoute: namingResolvedRoutes,
      }),
    ]),
  ],
};

const SUPPORTED_VERSIONS = ['>=11 <13'];

type ClassExports = Record<string, { prototype?: object } | undefined>;

/** Replaces methods of `className.prototype` in one file of @nestjs/core (those it has), while enabled. */
function classIn(
  file: string,
  className: string,
  replacements: Record<string, (original: never) => AnyMethod>
): InstrumentationNodeModuleFile {
  const prototypeIn = (exports: ClassExports | undefined) => exports?.[className]?.prototype;
  return new InstrumentationNodeModuleFile(
    `@nestjs/core/${file}`,
    SUPPORTED_VERSIONS,
    (exports: ClassExports) => {
      const prototype = prototypeIn(exports);
      if (prototype === undefined) return exports;
      for (const [method, replace] of Object.entries(replacements))
        replaceMethod(prototype, method, replace as (original: AnyMethod) => AnyMethod);
      return exports;
    },
    (exports?: ClassExports) => {
      const prototype = prototypeIn(exports);
      if (prototype === undefined) return;
      for (const method of Object.keys(replacements)) restoreMethod(prototype, method);
    }
  );
}
