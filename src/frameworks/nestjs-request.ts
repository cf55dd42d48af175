import { IncomingMessage, ServerResponse } from 'http';

/**
 * The IncomingMessage behind a request Nest hands around: Express's request is
 * one; Fastify's wraps one in `.raw` (Nest middleware on Fastify gets the
 * IncomingMessage itself). A FastifyRequest has `headers` too, so it is told
 * apart by class, not by shape.
 */
export function incomingMessageOf(request: unknown): IncomingMessage | undefined {
  return nodeObjectOf(request, IncomingMessage);
}

/** The ServerResponse behind a response: Express's, or a FastifyReply's `.raw`. */
export function serverResponseOf(response: unknown): ServerResponse | undefined {
  return nodeObjectOf(response, ServerResponse);
}

function nodeObjectOf<T>(value: unknown, NodeClass: abstract new (...args: never[]) => T): T | undefined {
  if (value instanceof NodeClass) return value;
  try {
    const raw = (value as { raw?: unknown } | null | undefined)?.raw;
    return raw instanceof NodeClass ? raw : undefined;
  } catch {
    return undefined; // an object of the app's own making, whose getter throws
  }
}
