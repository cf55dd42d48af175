/*
 * Fastify 4 and 5 answer route errors themselves, so the emit patch never sees
 * them. Every Fastify instance announces itself on the `fastify.initialization`
 * diagnostics channel as it is built, before any plugin is registered: hooks
 * added there are inherited by every route. No module patching, so it works
 * whatever name or copy of fastify the app loads.
 */
import * as diagnosticsChannel from 'diagnostics_channel';
import type { IncomingMessage } from 'http';
import type { FrameworkAdapter } from '../request/record';
import { reportRequestException, setRoute } from './reporting';
import { frameworkPatchesHeld } from './patch-holders';

/** The little of Fastify's request, reply and instance we use, in both majors. */
interface FastifyRequest {
  readonly raw: IncomingMessage;
  /** Fastify >= 4.10. */
  readonly routeOptions?: { readonly url?: string };
  /** Fastify < 4.10; deprecated (with a warning) since, so read only when routeOptions is missing. */
  readonly routerPath?: string;
}

interface FastifyReply {
  readonly statusCode: number;
}

type Done = (error?: Error | null, payload?: unknown) => void;

interface FastifyInstance {
  addHook(name: 'onRequest', hook: (request: FastifyRequest, reply: FastifyReply, done: Done) => void): unknown;
  addHook(
    name: 'onError',
    hook: (request: FastifyRequest, reply: FastifyReply, error: unknown, done: Done) => void
  ): unknown;
  addHook(
    name: 'onSend',
    hook: (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: Done) => void
  ): unknown;
}

const INITIALIZATION_CHANNEL = 'fastify.initialization';

/*
 * onError runs before the app's error handler, so it cannot tell an error the
 * app answers itself from one that ends in a 5xx: the error waits here until
 * onSend shows the status Fastify is answering with.
 */
const pendingErrors = new WeakMap<IncomingMessage, unknown>();

let subscribed = false;

export const fastifyAdapter: FrameworkAdapter = {
  moduleDefinitions: () => [],
  enable() {
    if (subscribed) return;
    diagnosticsChannel.subscribe(INITIALIZATION_CHANNEL, onInitialization);
    subscribed = true;
  },
  disable() {
    if (!subscribed || frameworkPatchesHeld()) return;
    diagnosticsChannel.unsubscribe(INITIALIZATION_CHANNEL, onInitialization);
    subscribed = false;
  },
};

// Named so: @fastify/otel, when enabled first, wraps hooks added after it in spans named after them.
function onInitialization(message: unknown): void {
  const fastify = (message as { fastify?: FastifyInstance }).fastify;
  if (fastify === undefined) return;
  fastify.addHook('onRequest', requestSignalsRoute);
  fastify.addHook('onError', requestSignalsHoldError);
  fastify.addHook('onSend', requestSignalsReportError);
}

function requestSignalsRoute(request: FastifyRequest, _reply: FastifyReply, done: Done): void {
  const route = request.routeOptions !== undefined ? request.routeOptions.url : request.routerPath;
  // A request no route matched has no template: url.path already says everything.
  if (typeof route === 'string' && route !== '') setRoute(request.raw, route);
  done();
}

function requestSignalsHoldError(request: FastifyRequest, _reply: FastifyReply, error: unknown, done: Done): void {
  pendingErrors.set(request.raw, error);
  done();
}

/* Like Django, 4xx answers (validation errors, an error handler's 400) are not exceptions to report. */
function requestSignalsReportError(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: Done): void {
  const error = pendingErrors.get(request.raw);
  if (pendingErrors.delete(request.raw) && reply.statusCode >= 500) reportRequestException(request.raw, error);
  done(null, payload);
}
