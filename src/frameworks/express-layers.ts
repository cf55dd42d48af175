/*
 * Where a router hands a request to a layer: Layer.prototype.handleRequest in
 * router 2 (Express 5), Layer.prototype.handle_request in Express 4.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { observeRejection } from './express-errors';
import { LayerLike, enterLayer } from './express-routes';
import { replaceMethod, restoreMethod } from './method-patching';

type Next = (this: unknown, ...args: unknown[]) => unknown;
type LayerClass = { prototype: object };
type Handle = (this: LayerLike, req: IncomingMessage, res: ServerResponse, next: Next) => unknown;
type HandleError = (this: LayerLike, error: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => unknown;

export function patchRouterLayer(Layer: LayerClass): LayerClass {
  replaceMethod(
    Layer.prototype,
    'handleRequest',
    original =>
      function handleRequest(this: LayerLike, req: IncomingMessage, res: ServerResponse, next: Next) {
        return Reflect.apply(original, this, [req, res, enterLayer(this, req, next)]) as unknown;
      }
  );
  return Layer;
}

export function unpatchRouterLayer(Layer: LayerClass): void {
  restoreMethod(Layer.prototype, 'handleRequest');
}

/*
 * Express 4 drops what a handler returns, so these are copies of its two
 * methods (unchanged since 4.0) that also watch the promise. A rejection
 * stays an unhandled rejection, as without us.
 */
export function patchExpress4Layer(Layer: LayerClass): LayerClass {
  replaceMethod(Layer.prototype, 'handle_request', () => handleRequest4);
  replaceMethod(Layer.prototype, 'handle_error', () => handleError4);
  return Layer;
}

export function unpatchExpress4Layer(Layer: LayerClass): void {
  restoreMethod(Layer.prototype, 'handle_request');
  restoreMethod(Layer.prototype, 'handle_error');
}

const handleRequest4: Handle = function handle(req, res, next) {
  const fn = this.handle;
  if (fn.length > 3) return next();
  const nextLayer = enterLayer(this, req, next);
  try {
    observeRejection(fn(req, res, nextLayer), req);
  } catch (err) {
    nextLayer(err);
  }
};

const handleError4: HandleError = function handle_error(error, req, res, next) {
  const fn = this.handle;
  if (fn.length !== 4) return next(error);
  try {
    observeRejection(fn(error, req, res, next), req);
  } catch (err) {
    next(err);
  }
};
