import { describeTwoInstances } from './utils/two-instances';

/* One failing request on Express, one on Fastify; '/files/*' is Nest's template, Express would say '/files/{*path}'. */
describeTwoInstances('Nest 11 with two instances: the @nestjs/core patches they share', 'nest/two-instances.js', {
  spanNames: ['GET /files/*', 'GET /files/*'],
  exceptionEvents: [1, 1],
  exceptions: 2,
});
