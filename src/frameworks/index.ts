import type { FrameworkAdapter } from '../request/record';
import { connectAdapter } from './connect';
import { expressAdapter } from './express';
import { fastifyAdapter } from './fastify';
import { hapiAdapter } from './hapi';
import { honoAdapter } from './hono';
import { koaAdapter } from './koa';
import { nestjsAdapter } from './nestjs';

/** Every framework whose caught errors and routes reach the request's span and signals. */
export const FRAMEWORK_ADAPTERS: readonly FrameworkAdapter[] = [
  expressAdapter,
  connectAdapter,
  fastifyAdapter,
  koaAdapter,
  hapiAdapter,
  honoAdapter,
  nestjsAdapter,
];
