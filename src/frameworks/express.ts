import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import type { FrameworkAdapter } from '../request/record';
import { finalhandlerDefinition } from './express-errors';
import { patchExpress4Layer, patchRouterLayer, unpatchExpress4Layer, unpatchRouterLayer } from './express-layers';
import { replaceMethod, restoreMethod } from './method-patching';
import { rememberMountPaths } from './express-routes';

/**
 * express 4 and 5: errors it answers itself (through finalhandler, which
 * Connect shares), and the matched route template. Express 5 routes through
 * the `router` package; Express 4 has its router inside.
 */
export const expressAdapter: FrameworkAdapter = {
  moduleDefinitions: () => [finalhandlerDefinition(), express4Definition(), routerDefinition()],
};

type Express4 = { Router: object };
type Router2 = { prototype: object };

function express4Definition(): InstrumentationNodeModuleDefinition {
  return new InstrumentationNodeModuleDefinition(
    'express',
    ['>=4 <5'],
    (express: Express4) => {
      replaceMethod(express.Router, 'use', rememberMountPaths);
      return express;
    },
    (express: Express4) => restoreMethod(express.Router, 'use'),
    [
      new InstrumentationNodeModuleFile(
        'express/lib/router/layer.js',
        ['>=4 <5'],
        patchExpress4Layer,
        unpatchExpress4Layer
      ),
    ]
  );
}

function routerDefinition(): InstrumentationNodeModuleDefinition {
  return new InstrumentationNodeModuleDefinition(
    'router',
    ['>=2 <3'],
    (Router: Router2) => {
      replaceMethod(Router.prototype, 'use', rememberMountPaths);
      return Router;
    },
    (Router: Router2) => restoreMethod(Router.prototype, 'use'),
    [new InstrumentationNodeModuleFile('router/lib/layer.js', ['>=2 <3'], patchRouterLayer, unpatchRouterLayer)]
  );
}
