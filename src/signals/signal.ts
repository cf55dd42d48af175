/*
 * A port of Django's django.dispatch.Signal: receivers keyed by
 * (dispatchUid ?? receiver, sender ?? any), strong by default, optionally
 * weak, senders held weakly, with sync, robust and async sending.
 */
import { diag } from '@opentelemetry/api';
import {
  assertKwargs,
  assertOptionalBoolean,
  assertOptionalDispatchUid,
  assertOptionsObject,
  assertReceiver,
} from './checks';
import { DispatchUid, Registration, Registrations } from './registrations';
import { FailureReporting, awaitResponses, ignoreRejection, reportReceiverError, settleRobustly } from './responses';
import { isPromiseLike } from '../safety/foreign-values';

export type { DispatchUid } from './registrations';

/** What a receiver is called with: the sender's kwargs plus `signal`. */
export type ReceiverKwargs<K extends object, S = unknown> = K & {
  signal: Signal<K, S>;
};

/** A function connected to a signal. */
export type Receiver<K extends object = Record<string, unknown>, S = unknown> = (
  sender: S,
  kwargs: ReceiverKwargs<K, S>
) => unknown;

export interface SignalOptions {
  /**
   * Django's `use_caching`. Accepted and validated; every signal keeps its
   * per-sender receiver lists ready anyway (built at connect and disconnect).
   */
  useCaching?: boolean;
}

export interface ConnectOptions<S = unknown> {
  /** Hear only sends from this object (held weakly); `undefined` or `null` hears every sender. */
  sender?: S | null;
  /** Hold the receiver through a `WeakRef` (default `false`, unlike Django). */
  weak?: boolean;
  /** Identify the registration by this value instead of the receiver (not NaN, not ''). */
  dispatchUid?: DispatchUid;
}

export interface DisconnectOptions<S = unknown> {
  sender?: S | null;
  dispatchUid?: DispatchUid;
}

export type SendResponses<K extends object, S> = Array<[Receiver<K, S>, unknown]>;

type AnyFunction = (...args: never[]) => unknown;

/** Called after each receiver of an instrumented dispatch with its duration. */
export type ReceiverTimer = (receiver: AnyFunction, durationMs: number) => void;

const SEND_ROBUST: FailureReporting = { where: 'Signal.sendRobust()', logger: diag };
const ASEND_ROBUST: FailureReporting = { where: 'Signal.asendRobust()', logger: diag };

/*
 * V8 before 12 (Node 18 and 20) misses its inline cache when a property is
 * added after a spread, building a new hidden class on every send (~1 µs);
 * V8 12+ is fastest that way. bench/dispatch.ts measures both forms.
 */
const SPREAD_THEN_ADD_IS_SLOW = Number(process.versions.v8.split('.')[0]) < 12;

/**
 * A signal that receivers connect to and senders send through.
 *
 * `K` is the kwargs a sender passes; every receiver is called as
 * `receiver(sender, { ...kwargs, signal })`. Every send calls the sync
 * receivers first, then the async ones (`async` functions), each group in
 * connection order, as Django does.
 */
export class Signal<K extends object = Record<string, unknown>, S = unknown> {
  private readonly registrations = new Registrations();
  private finalizer: FinalizationRegistry<Registration> | undefined;

  constructor(options: SignalOptions = {}) {
    assertOptionsObject('Signal constructor', options);
    assertOptionalBoolean('Signal constructor', 'useCaching', options.useCaching);
  }

  /**
   * Connects `receiver`. Connecting a key that is already registered does
   * nothing. Throws a TypeError for a receiver that is not a function or bad
   * options.
   */
  connect(receiver: Receiver<K, S>, options: ConnectOptions<S> = {}): void {
    assertReceiver('Signal.connect()', receiver);
    assertOptionsObject('Signal.connect()', options);
    assertOptionalBoolean('Signal.connect()', 'weak', options.weak);
    assertOptionalDispatchUid('Signal.connect()', options.dispatchUid);
    const weak = options.weak === true;
    const added = this.registrations.add(receiver, weak, options.dispatchUid, options.sender);
    if (added !== undefined && weak) this.watchForCollection(receiver, added);
  }

  /**
   * Disconnects the registration keyed by `receiver` (or `dispatchUid`) and
   * `sender`. Returns whether something was removed.
   */
  disconnect(receiver?: Receiver<K, S>, options: DisconnectOptions<S> = {}): boolean {
    assertOptionsObject('Signal.disconnect()', options);
    assertOptionalDispatchUid('Signal.disconnect()', options.dispatchUid);
    if (options.dispatchUid === undefined) {
      assertReceiver('Signal.disconnect() without a dispatchUid', receiver);
    }
    const removed = this.registrations.remove(receiver, options.dispatchUid, options.sender);
    if (removed === undefined) return false;
    this.finalizer?.unregister(removed);
    return true;
  }

  /** Whether a send from `sender` would reach at least one live receiver. */
  hasListeners(sender?: S | null): boolean {
    const registrations = this.registrations.forSender(sender);
    for (let i = 0; i < registrations.length; i++) {
      if (registrations[i].live() !== undefined) return true;
    }
    return false;
  }

  /**
   * Calls every receiver of `sender` and returns `[receiver, response]`
   * pairs. A receiver's error propagates at once. An async receiver is
   * called, not awaited: its response is its promise.
   */
  send(sender: S, kwargs?: K): SendResponses<K, S> {
    assertKwargs('Signal.send()', kwargs);
    const registrations = this.registrations.forSender(sender);
    if (registrations.length === 0) return [];
    const responses: SendResponses<K, S> = [];
    this.callReceivers(registrations, sender, this.withSignal(kwargs), undefined, responses, undefined);
    return responses;
  }

  /**
   * Like `send`, but calls every receiver: an error a receiver throws is
   * reported through `diag` and stands in place of its response. A receiver
   * that returns a promise (an async one) has in its place a promise that
   * never rejects: it resolves to the value, or to the error, which is
   * reported like a throw.
   */
  sendRobust(sender: S, kwargs?: K): SendResponses<K, S> {
    assertKwargs('Signal.sendRobust()', kwargs);
    const registrations = this.registrations.forSender(sender);
    if (registrations.length === 0) return [];
    const responses: SendResponses<K, S> = [];
    this.callReceivers(registrations, sender, this.withSignal(kwargs), SEND_ROBUST, responses, undefined);
    return responses;
  }

  /**
   * Calls the sync receivers, then the async ones, and awaits all responses
   * together (asyncio.gather). Resolves to the pairs in that order; rejects
   * with the first error: a sync receiver's throw at once (no later receiver
   * is called), else the first rejection.
   */
  async asend(sender: S, kwargs?: K): Promise<SendResponses<K, S>> {
    assertKwargs('Signal.asend()', kwargs);
    const registrations = this.registrations.forSender(sender);
    if (registrations.length === 0) return [];
    const responses: SendResponses<K, S> = [];
    try {
      this.callReceivers(registrations, sender, this.withSignal(kwargs), undefined, responses, undefined);
    } catch (error) {
      responses.forEach(([, response]) => ignoreRejection(response)); // asend reports the first error only
      throw error;
    }
    return awaitResponses(responses);
  }

  /**
   * Like `asend`, but a receiver's error (thrown or rejected) is reported
   * through `diag` and stands in place of its response.
   */
  async asendRobust(sender: S, kwargs?: K): Promise<SendResponses<K, S>> {
    assertKwargs('Signal.asendRobust()', kwargs);
    const registrations = this.registrations.forSender(sender);
    if (registrations.length === 0) return [];
    const responses: SendResponses<K, S> = [];
    const named = this.withSignal(kwargs);
    this.callReceivers(registrations, sender, named, ASEND_ROBUST, responses, undefined);
    return awaitResponses(responses);
  }

  /**
   * @internal Robust dispatch for the instrumentation: `named` already holds
   * `signal`, nothing is collected, and a failure (a throw, or a rejected
   * promise, never left unhandled) is reported to `reporting`. `timer` sees
   * each receiver's synchronous duration when timing is wanted.
   */
  _notifyRobust(sender: S, named: ReceiverKwargs<K, S>, reporting: FailureReporting, timer?: ReceiverTimer): void {
    this.callReceivers(this.registrations.forSender(sender), sender, named, reporting, undefined, timer);
  }

  /** @internal Whether any receiver might hear `sender`, without dereferencing weak ones. */
  _mayHaveReceivers(sender: S): boolean {
    return this.registrations.forSender(sender).length !== 0;
  }

  /**
   * The one receiver loop behind every send. Without `robust`, a receiver's
   * throw propagates and ends the loop (send, asend). With it (the caller's
   * name and logger), a throw is reported and stands in place of the
   * response, and a returned promise is replaced by one that resolves to its
   * value or, reported the same way, to its error: nothing is left to reject
   * unhandled. Pairs are collected into `responses` when it is given.
   *
   * It is also the per-request path (through _notifyRobust), so it stays an
   * indexed loop that allocates nothing of its own; folding the five sends
   * into it measured no slower in bench/dispatch.ts and in fresh processes
   * running _notifyRobust alone, as the instrumentation does.
   */
  private callReceivers(
    registrations: readonly Registration[],
    sender: S,
    named: ReceiverKwargs<K, S>,
    robust: FailureReporting | undefined,
    responses: SendResponses<K, S> | undefined,
    timer: ReceiverTimer | undefined
  ): void {
    for (let i = 0; i < registrations.length; i++) {
      const receiver = registrations[i].live() as Receiver<K, S> | undefined;
      if (receiver === undefined) continue; // a weak receiver, collected
      const started = timer === undefined ? 0 : performance.now();
      let response: unknown;
      try {
        response = receiver(sender, named);
        if (robust !== undefined && isPromiseLike(response)) response = settleRobustly(response, robust, receiver);
      } catch (error) {
        if (robust === undefined) throw error;
        reportReceiverError(robust, receiver, error);
        response = error;
      }
      if (timer !== undefined) timer(receiver, performance.now() - started);
      if (responses !== undefined) responses.push([receiver, response]);
    }
  }

  private withSignal(kwargs: K | undefined): ReceiverKwargs<K, S> {
    if (kwargs === undefined) return { signal: this } as ReceiverKwargs<K, S>;
    if (!SPREAD_THEN_ADD_IS_SLOW) return { ...kwargs, signal: this };
    const named = { signal: this, ...kwargs } as ReceiverKwargs<K, S>;
    if (named.signal !== this) named.signal = this; // the caller's kwargs had a `signal` of its own
    return named;
  }

  private watchForCollection(receiver: object, registration: Registration): void {
    this.finalizer ??= new FinalizationRegistry(collected => this.registrations.removeCollected(collected));
    this.finalizer.register(receiver, registration, registration);
  }
}
