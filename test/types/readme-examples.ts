/*
 * Compile fixture (test/signal-types.test.ts): the README's examples, as a
 * TypeScript user would write them. Every line here must compile.
 */
import { gotRequestException, receiver, requestFinished, requestStarted, Signal } from '../../src';

declare const logger: { info(message: string): void };
declare const alerts: { notify(alert: { error: unknown; path?: string; traceId: string }): void };
declare const pool: { acquire(): { release(): void } };

// Usage (with `_server` for `server`: this project compiles with noUnusedParameters)
requestFinished.connect((_server, { request, response, span, aborted, durationMs }) => {
  console.log(`${request.method} ${request.url} ${response.statusCode} ${durationMs.toFixed(1)} ms`, span, aborted);
});

// The seed's use cases
const startedAt = new WeakMap<object, number>();
requestStarted.connect((_server, { request }) => startedAt.set(request, performance.now()));
requestFinished.connect((_server, { request, span }) => {
  span.setAttribute('app.handler_ms', performance.now() - (startedAt.get(request) ?? 0));
});

requestStarted.connect((_server, { environ }) => {
  const ip = environ.HTTP_X_FORWARDED_FOR?.split(',')[0] ?? environ.REMOTE_ADDR;
  logger.info(`request from ${ip} for ${environ.PATH_INFO}`);
});

gotRequestException.connect((_server, { exception, request, span }) => {
  alerts.notify({ error: exception, path: request.url, traceId: span.spanContext().traceId });
});

const connections = new WeakMap<object, { release(): void }>();
requestStarted.connect((_server, { request }) => connections.set(request, pool.acquire()));
requestFinished.connect((_server, { request }) => connections.get(request)?.release());

// The Signal class
interface PizzaDone {
  toppings: string[];
  size: number;
}
export const pizzaDone = new Signal<PizzaDone>();
class PizzaShop {}

pizzaDone.connect((_sender, { toppings, signal }) => console.log(toppings, signal), { dispatchUid: 'log-pizzas' });
export const responses = pizzaDone.send(PizzaShop, { toppings: ['basil'], size: 30 }); // [[receiver, response], …]
export const logPizzas = receiver(pizzaDone, { weak: true })((_sender, { size }) => size * 2);
export const robust = pizzaDone.sendRobust(PizzaShop, { toppings: [], size: 25 });
export const later = pizzaDone.asendRobust(PizzaShop, { toppings: [], size: 25 });
