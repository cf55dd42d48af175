import { IncomingMessage } from 'http';

/**
 * The IncomingMessage behind a request Nest hands around: Express's request is
 * one; Fastify's wraps one in `.raw` (Nest middleware on Fastify gets the
 * IncomingMessage itself). A FastifyRequest has `headers` too, so it is told
 * apart by class, not by shape.
 */
export function incomingMessageOf(request: unknown): IncomingMessage | undefined {
  if (request instanceof IncomingMessage) return request;
  try {
    const raw = (request as { raw?: unknown } | null | undefined)?.raw;
    return raw instanceof IncomingMessage ? raw : undefined;
  } catch {
    return undefined; // a request object of the app's own making, whose getter throws
  }
}
