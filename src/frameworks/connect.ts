import type { FrameworkAdapter } from '../internal-types';

/** connect: not adapted yet; its caught errors and routes are not reported. */
export const connectAdapter: FrameworkAdapter = {
  name: 'connect',
  moduleDefinitions: () => [],
};
