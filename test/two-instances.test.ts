import { describeTwoInstances } from './utils/two-instances';

/* One failing request on Express 5, one on Fastify. */
describeTwoInstances('two instances: the framework patches they share', 'express-fastify-failing.js', {
  spanNames: ['GET /users/:id', 'GET /items/:id'],
  exceptionEvents: [1, 1],
  exceptions: 2,
});
