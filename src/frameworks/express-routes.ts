/*
 * http.route for Express 4 and 5: the template of every mount the request is
 * inside (`app.use('/api', router)`), then the matched route's own path.
 * Mount paths are remembered as layers are added, since the Layer keeps none
 * (router 2.3) or keeps only the matched text.
 */
import type { IncomingMessage } from 'http';
import { RequestSlot } from '../request/records';
import { setRoute } from './reporting';
import { isRequest } from '../safety/foreign-values';

type Next = (this: unknown, ...args: unknown[]) => unknown;
type Use = (this: unknown, ...args: unknown[]) => unknown;

export interface LayerLike {
  readonly handle: (...args: unknown[]) => unknown;
  readonly route?: { readonly path: unknown };
}

/* The template each mount layer was added with; '/' mounts are not kept. */
const mountTemplates = new WeakMap<object, string>();
/* The mounts a request is inside right now, outermost first. */
const mountStacks = new RequestSlot<string[]>('otel-request-signals.express.mounts');

/** Replaces router.use(path?, ...handlers): remembers the path of the layers it adds. */
export function rememberMountPaths(originalUse: Use): Use {
  return function use(this: unknown, ...args: unknown[]) {
    const stack = (this as { stack?: unknown }).stack;
    const before = Array.isArray(stack) ? stack.length : 0;
    const result = Reflect.apply(originalUse, this, args);
    const template = mountTemplateOf(args);
    if (template !== undefined && Array.isArray(stack)) {
      for (const layer of stack.slice(before) as object[]) mountTemplates.set(layer, template);
    }
    return result;
  };
}

/**
 * As a router hands the request to `layer`: names the route, or enters a
 * mount. Returns the `next` to give the layer, which leaves that mount.
 */
export function enterLayer(layer: LayerLike, request: unknown, next: Next): Next {
  if (!isRequest(request)) return next;
  if (layer.route !== undefined) {
    nameRoute(request, layer.route.path);
    return next;
  }
  const template = mountTemplates.get(layer);
  return template === undefined ? next : enterMount(request, template, next);
}

function enterMount(request: IncomingMessage, template: string, next: Next): Next {
  let mounts = mountStacks.get(request);
  if (mounts === undefined) mountStacks.set(request, (mounts = []));
  const inside = mounts;
  const depth = inside.push(template) - 1;
  let left = false;
  return function leaveMount(this: unknown) {
    // Truncated, not popped: inner mounts that answered without calling out are left too.
    if (!left) inside.length = depth;
    left = true;
    return Reflect.apply(next, this, arguments) as unknown;
  };
}

function nameRoute(request: IncomingMessage, routePath: unknown): void {
  const template = templateOf(routePath);
  if (template === undefined) return;
  const route = joinTemplates([...(mountStacks.get(request) ?? []), template]);
  if (route !== '') setRoute(request, route);
}

/** '/api' + '/users/:id' → '/api/users/:id'; a trailing '/' route adds nothing to its mount. */
function joinTemplates(parts: readonly string[]): string {
  return parts.reduce((joined, part) => {
    if (joined === '') return part;
    if (part === '/') return joined;
    return joined.endsWith('/') && part.startsWith('/') ? joined + part.slice(1) : joined + part;
  }, '');
}

function mountTemplateOf(args: unknown[]): string | undefined {
  let first = args[0];
  while (Array.isArray(first) && first.length !== 0) first = first[0];
  if (typeof first === 'function') return undefined;
  const template = templateOf(args[0]);
  return template === '/' || template === '' ? undefined : template;
}

/* As @opentelemetry/instrumentation-express spells paths, so both agree on http.route. */
function templateOf(path: unknown): string | undefined {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp || typeof path === 'number') return String(path);
  if (Array.isArray(path)) return path.map(part => templateOf(part) ?? '').join(',');
  return undefined;
}
