/*
 * http.route for Hono: the path of the last handler the request reached, as
 * Hono's own routePath(c) gives it at the end of a request (and as @hono/otel
 * names its spans). Paths are full templates: a sub-app mounted with
 * app.route('/api', sub), or an app with a basePath, registers
 * '/api/users/:id'. Hono builds one Context per request with its match result:
 * one matched handler is called directly; several are composed, and each
 * answer is stored through the Context's `res` setter, with c.req.routeIndex
 * at the handler that answered.
 */
import type { IncomingMessage } from 'http';
import { setRoute } from './reporting';
import { incomingOf } from './hono-errors';

/** [[handler, route], params] for each matched handler, in calling order. */
type Matched = ReadonlyArray<readonly [readonly [unknown, { readonly path?: unknown }?], unknown]>;

interface ContextOptions {
  readonly env?: unknown;
  readonly matchResult?: readonly [Matched, ...unknown[]];
}

interface HonoContext {
  res: unknown;
  readonly req: { readonly routeIndex: number };
}

export interface ContextClass {
  new (request: unknown, options?: ContextOptions): HonoContext;
}

export function reportingRoutes(Context: ContextClass): ContextClass {
  const ContextReportingRoutes = class extends Context {
    /* Set only while several handlers are composed: the route is known as each one answers. */
    #composed: { incoming: IncomingMessage; matched: Matched; route?: string } | undefined;

    constructor(request: unknown, options?: ContextOptions) {
      super(request, options);
      const incoming = incomingOf(options?.env);
      const matched = options?.matchResult?.[0];
      if (incoming === undefined || !Array.isArray(matched) || matched.length === 0) return;
      if (matched.length === 1) reportRoute(incoming, matched[0] as Matched[number]);
      else this.#composed = { incoming, matched };
    }

    override get res(): unknown {
      return super.res;
    }

    override set res(response: unknown) {
      super.res = response;
      const composed = this.#composed;
      if (composed === undefined) return;
      const route = reportRoute(composed.incoming, composed.matched[this.req.routeIndex], composed.route);
      composed.route = route;
    }
  };
  Object.defineProperty(ContextReportingRoutes, 'name', { value: Context.name });
  return ContextReportingRoutes;
}

/** Sets the route of `match` unless it is `current` already; returns the route now set. */
function reportRoute(
  incoming: IncomingMessage,
  match: Matched[number] | undefined,
  current?: string
): string | undefined {
  const path = match?.[0]?.[1]?.path;
  if (typeof path !== 'string' || path === '' || path === current) return current;
  setRoute(incoming, path);
  return path;
}
