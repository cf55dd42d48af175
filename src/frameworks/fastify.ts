import type { FrameworkAdapter } from '../internal-types';

/** fastify: not adapted yet; its caught errors and routes are not reported. */
export const fastifyAdapter: FrameworkAdapter = {
  name: 'fastify',
  moduleDefinitions: () => [],
};
