/*
 * Compile fixture (test/signal-types.test.ts): mistakes the types must
 * catch. Each `@ts-expect-error` line must be an error; tsc reports an
 * unused directive (TS2578) when it is not, so this file compiles only while
 * every mistake is rejected.
 */
/* eslint-disable @typescript-eslint/no-unsafe-return -- the receivers below return kwargs that do not exist, on purpose */
import * as http from 'http';
import { receiver, requestFinished, requestStarted, Signal } from '../../src';

const server = http.createServer();

// @ts-expect-error: requestStarted carries no kwarg named `nope`
export const wrongName = receiver(requestStarted)((_sender, kw) => kw.nope);

// @ts-expect-error: destructuring a kwarg that does not exist
export const wrongDestructured = receiver(requestStarted)((_sender, { requets }) => requets);

// @ts-expect-error: environ is requestStarted's only
export const notOnFinished = receiver(requestFinished)((_sender, { environ }) => environ);

// @ts-expect-error: durationMs is not on requestStarted, so not on both
export const notOnBoth = receiver([requestStarted, requestFinished])((_sender, { durationMs }) => durationMs);

// @ts-expect-error: the sender of a request signal is a server
export const wrongSender = receiver(requestStarted, { sender: 'a server' });

// @ts-expect-error: a dispatchUid is a string, number or symbol
export const wrongUid = receiver(requestStarted, { dispatchUid: {} });

// @ts-expect-error: weak is a boolean
export const wrongWeak = receiver(requestStarted, { weak: 'yes' });

// @ts-expect-error: the server is an http.Server, not a string
export const wrongSenderType = receiver(requestStarted)((sender: string) => sender);

// @ts-expect-error: connect() checks kwargs names too
requestStarted.connect((_sender, { nope }) => nope, { sender: server });

interface PizzaDone {
  toppings: string[];
  size: number;
}
const pizzaDone = new Signal<PizzaDone>();

// @ts-expect-error: toppings is a list
pizzaDone.send(null, { toppings: 'basil', size: 30 });

// @ts-expect-error: size is missing
pizzaDone.send(null, { toppings: [] });

// @ts-expect-error: no such kwarg on pizzaDone
export const notAPizzaKwarg = receiver(pizzaDone)((_sender, { crust }) => crust);
