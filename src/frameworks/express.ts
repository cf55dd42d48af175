import type { FrameworkAdapter } from '../internal-types';

/** express: not adapted yet; its caught errors and routes are not reported. */
export const expressAdapter: FrameworkAdapter = {
  name: 'express',
  moduleDefinitions: () => [],
};
