/*
 * http.route for Nest: the template Nest registers a route under, as it logs
 * it ("Mapped {/api/v1/users/:id, GET}"): global prefix, version, module,
 * controller and method paths joined. Only RouterExplorer#applyCallbackToRouter
 * knows it, path by path: it asks the platform adapter to normalize each
 * template (Express turns a legacy "/files/*" into "/files/{*path}"), then
 * registers the one handler under each. We hand that method a stand-in for
 * the adapter that remembers the template and wraps the handler registered
 * under it, so that the handler names the request's route as it runs: after
 * the platform's router named it, so Nest's template is the one that stays.
 */
import { setRoute } from './reporting';
import { incomingMessageOf } from './nestjs-request';

type Handler = (this: unknown, ...args: unknown[]) => unknown;
type RouteMethod = (this: unknown, path: unknown, ...rest: unknown[]) => unknown;
type ApplyCallbackToRouter = (this: unknown, router: unknown, ...rest: unknown[]) => unknown;
type RegisterResolvedRoute = (this: unknown, router: unknown, route: unknown, ...rest: unknown[]) => unknown;

/** What RouterMethodFactory may pick on the adapter to register a route (the request method's name, else `use`). */
const ROUTE_METHODS = new Set([
  'get',
  'post',
  'put',
  'delete',
  'patch',
  'all',
  'options',
  'head',
  'search',
  'query',
  'propfind',
  'proppatch',
  'mkcol',
  'copy',
  'move',
  'lock',
  'unlock',
  'use',
]);

/** Replaces RouterExplorer#applyCallbackToRouter(router, ...): registers through a stand-in for the adapter. */
export function namingNestRoutes(original: ApplyCallbackToRouter): ApplyCallbackToRouter {
  return function applyCallbackToRouter(this: unknown, router: unknown) {
    if (typeof router !== 'object' || router === null) return Reflect.apply(original, this, arguments) as unknown;
    const args = [...arguments];
    args[0] = registrarFor(router);
    return Reflect.apply(original, this, args) as unknown;
  };
}

/**
 * Replaces RouterExplorer#registerResolvedRoute(router, route) (Nest 12): a
 * route resolved earlier, registered under `route.path` (normalized); its
 * template is `route.rawPath`.
 */
export function namingResolvedRoutes(original: RegisterResolvedRoute): RegisterResolvedRoute {
  return function registerResolvedRoute(this: unknown, router: unknown, route: unknown) {
    if (typeof router !== 'object' || router === null) return Reflect.apply(original, this, arguments) as unknown;
    const { rawPath, path } = (route ?? {}) as { rawPath?: unknown; path?: unknown };
    const args = [...arguments];
    args[0] = registrarFor(router, templateOf(rawPath) ?? templateOf(path));
    return Reflect.apply(original, this, args) as unknown;
  };
}

/*
 * Reads go to the adapter, and its methods run on it (bound), so a stand-in
 * changes nothing for them, except the two we watch: normalizePath, which
 * Nest calls with the template right before registering under it, and the
 * route methods. Own properties are the adapter's state, returned as they
 * are: the Express app in `instance` is a function, with a `bind` of its own
 * (the HTTP method BIND).
 */
function registrarFor(router: object, resolvedTemplate?: string): object {
  let template = resolvedTemplate;
  const normalizePath = function (this: unknown, path: unknown) {
    template = templateOf(path);
    const own = Reflect.get(router, 'normalizePath') as unknown;
    return typeof own === 'function' ? (Reflect.apply(own, router, [path]) as unknown) : path;
  };
  const registering = (method: RouteMethod): RouteMethod =>
    function (this: unknown, path, ...rest) {
      const routeTemplate = template ?? templateOf(path);
      template = undefined;
      const last = rest.length - 1;
      if (routeTemplate !== undefined && typeof rest[last] === 'function') {
        rest[last] = namingRoute(rest[last] as Handler, routeTemplate);
      }
      return Reflect.apply(method, router, [path, ...rest]);
    };
  return new Proxy(router, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      // A Proxy must answer a frozen property with its own value.
      if (isFrozenOwn(target, key)) return value;
      if (key === 'normalizePath') return normalizePath;
      if (typeof value !== 'function') return value;
      if (typeof key === 'string' && ROUTE_METHODS.has(key)) return registering(value as RouteMethod);
      if (Object.prototype.hasOwnProperty.call(target, key)) return value;
      return Function.prototype.bind.call(value, target) as unknown;
    },
  });
}

function isFrozenOwn(target: object, key: string | symbol): boolean {
  const own = Object.getOwnPropertyDescriptor(target, key);
  return own !== undefined && !own.configurable && own.writable === false;
}

/*
 * The handler, named for the route as it is called. A Proxy, so what the
 * adapter reads from the handler (Fastify: `version`, length) is the
 * handler's own; Reflect metadata (Fastify's route config and schema) is
 * keyed by object, so it is copied.
 */
function namingRoute(handler: Handler, template: string): Handler {
  const named = new Proxy(handler, {
    apply(target, thisArg, args: unknown[]) {
      const request = incomingMessageOf(args[0]);
      if (request !== undefined) setRoute(request, template);
      return Reflect.apply(target, thisArg, args);
    },
  });
  copyMetadata(handler, named);
  return named;
}

function templateOf(path: unknown): string | undefined {
  return typeof path === 'string' && path !== '' ? path : undefined;
}

interface MetadataReflect {
  getOwnMetadataKeys?(target: object): unknown[];
  getOwnMetadata?(key: unknown, target: object): unknown;
  defineMetadata?(key: unknown, value: unknown, target: object): void;
}

function copyMetadata(from: object, to: object): void {
  const reflect = Reflect as unknown as MetadataReflect;
  if (!reflect.getOwnMetadataKeys || !reflect.getOwnMetadata || !reflect.defineMetadata) return;
  for (const key of reflect.getOwnMetadataKeys(from)) {
    reflect.defineMetadata(key, reflect.getOwnMetadata(key, from), to);
  }
}
