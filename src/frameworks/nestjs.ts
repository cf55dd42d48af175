import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import type { FrameworkAdapter } from '../internal-types';
import { rememberingOriginals, reportingServerErrors } from './nestjs-errors';
import { namingNestRoutes } from './nestjs-routes';
import { replaceMethod, restoreMethod } from './method-patching';

/**
 * NestJS 11 and 12, on any platform (Express, Fastify): the errors Nest
 * answers itself with a 5xx (nestjs-errors.ts) and Nest's route templates
 * (nestjs-routes.ts). Three methods of @nestjs/core, each in its own file.
 */
export const nestjsAdapter: FrameworkAdapter = {
  name: 'nestjs',
  moduleDefinitions: () => [
    new InstrumentationNodeModuleDefinition('@nestjs/core', SUPPORTED_VERSIONS, undefined, undefined, [
      methodOf('exceptions/base-exception-filter.js', 'BaseExceptionFilter', 'catch', reportingServerErrors),
      methodOf('router/router-explorer.js', 'RouterExplorer', 'applyCallbackToRouter', namingNestRoutes),
      methodOf('router/routes-resolver.js', 'RoutesResolver', 'mapExternalException', rememberingOriginals),
    ]),
  ],
};

const SUPPORTED_VERSIONS = ['>=11 <13'];

type AnyFunction = (this: any, ...args: any[]) => any;
type ClassExports = Record<string, { prototype?: object } | undefined>;

/** Replaces `className.prototype[method]` in one file of @nestjs/core, while enabled. */
function methodOf(
  file: string,
  className: string,
  method: string,
  replace: (original: AnyFunction) => AnyFunction
): InstrumentationNodeModuleFile {
  const prototypeIn = (exports: ClassExports | undefined) => exports?.[className]?.prototype;
  return new InstrumentationNodeModuleFile(
    `@nestjs/core/${file}`,
    SUPPORTED_VERSIONS,
    (exports: ClassExports) => {
      const prototype = prototypeIn(exports);
      if (prototype !== undefined) replaceMethod(prototype, method, replace);
      return exports;
    },
    (exports?: ClassExports) => {
      const prototype = prototypeIn(exports);
      if (prototype !== undefined) restoreMethod(prototype, method);
    }
  );
}
