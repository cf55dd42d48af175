import type { IncomingMessage } from 'http';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { FrameworkAdapter } from '../request/record';
import { RequestSlot } from '../request/records';
import { setRoute } from './reporting';
import { isRequest } from '../safety/foreign-values';
import { observeRejection } from './express-errors';
import { replaceMethod } from './method-patching';

/**
 * connect 3. The errors it answers itself reach us through the finalhandler
 * hook the express adapter registers (Connect requires it by name). Here:
 * http.route from mount paths, and the rejections Connect ignores.
 */
export const connectAdapter: FrameworkAdapter = {
  moduleDefinitions: () => [new InstrumentationNodeModuleDefinition('connect', ['>=3 <4'], wrapCreateServer)],
};

type Handle = (this: unknown, ...args: unknown[]) => unknown;
type Use = (this: unknown, ...args: unknown[]) => unknown;
interface Layer {
  route: string;
  handle: Handle;
}
interface ConnectApp {
  stack: Layer[];
  use: Use;
}

/* Per request, per mounted app: the mount path it was entered under ('/api' for app.use('/api', sub)). */
const mountPrefixes = new RequestSlot<Map<object, string>>('otel-request-signals.connect.mounts');

// No unpatch: apps keep the createServer they required; once disabled it reports nothing.
// Registered twice, it is wrapped twice; app.use is still replaced once.
function wrapCreateServer(original: Handle): Handle {
  return function createServer(this: unknown) {
    const app = Reflect.apply(original, this, arguments) as ConnectApp;
    replaceMethod(app, 'use', instrumentUse);
    return app;
  };
}

/* Connect reads a sub-app from the arguments, so the layer it pushed is wrapped afterwards. */
function instrumentUse(originalUse: Use): Use {
  return function use(this: unknown, route: unknown, fn: unknown) {
    const app = this as ConnectApp;
    const before = app.stack.length;
    const result: unknown = Reflect.apply(originalUse, this, arguments);
    const mounted = (typeof route === 'string' ? fn : route) as { handle?: unknown } | undefined;
    const subApp = typeof mounted?.handle === 'function' ? mounted : undefined;
    for (const layer of app.stack.slice(before)) layer.handle = wrapHandle(app, layer, subApp);
    return result;
  };
}

/* Keeps the handle's arity: Connect tells error middleware by it. */
function wrapHandle(app: ConnectApp, layer: Layer, subApp: object | undefined): Handle {
  const { handle, route } = layer;
  const isErrorHandler = handle.length === 4;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const request = args[isErrorHandler ? 1 : 0];
    if (!isRequest(request)) return Reflect.apply(handle, this, args);
    if (!isErrorHandler) enterMount(app, route, request, subApp);
    const result = Reflect.apply(handle, this, args);
    observeRejection(result, request);
    return result;
  };
  Object.defineProperty(wrapped, 'length', { value: handle.length });
  Object.defineProperty(wrapped, 'name', { value: handle.name });
  return wrapped;
}

function enterMount(app: ConnectApp, route: string, request: IncomingMessage, subApp: object | undefined): void {
  const template = (mountPrefixes.get(request)?.get(app) ?? '') + route;
  if (template !== '') setRoute(request, template);
  if (subApp === undefined) return;
  let prefixes = mountPrefixes.get(request);
  if (prefixes === undefined) mountPrefixes.set(request, (prefixes = new Map<object, string>()));
  prefixes.set(subApp, template);
}
