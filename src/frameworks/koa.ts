import type { FrameworkAdapter } from '../internal-types';

/** koa: not adapted yet; its caught errors and routes are not reported. */
export const koaAdapter: FrameworkAdapter = {
  name: 'koa',
  moduleDefinitions: () => [],
};
