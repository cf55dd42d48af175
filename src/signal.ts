/*
 * A port of Django's django.dispatch.Signal: receivers keyed by
 * (dispatchUid ?? receiver, sender ?? any), strong by default, optionally
 * weak, with sync, robust and async sending.
 */
import { diag } from '@opentelemetry/api';
import { describe, isPromiseLike, receiverName, safeString } from './utils';

/** What a receiver is called with: the sender's kwargs plus `signal`. */
export type ReceiverKwargs<K extends object, S = unknown> = K & {
  signal: Signal<K, S>;
};

/** A function connected to a signal. */
export type Receiver<K extends object = Record<string, unknown>, S = unknown> = (
  sender: S,
  kwargs: ReceiverKwargs<K, S>
) => unknown;

/** The key of a registration when no function identity is wanted. */
export type DispatchUid = string | number | symbol;

export interface SignalOptions {
  /** Cache the per-sender receiver list (Django's `use_caching`). */
  useCaching?: boolean;
}

export interface ConnectOptions<S = unknown> {
  /** Hear only sends from this object; `undefined` or `null` hears every sender. */
  sender?: S | null;
  /** Hold the receiver through a `WeakRef` (default `false`, unlike Django). */
  weak?: boolean;
  /** Identify the registration by this value instead of the receiver. */
  dispatchUid?: DispatchUid;
}

export interface DisconnectOptions<S = unknown> {
  sender?: S | null;
  dispatchUid?: DispatchUid;
}

export type SendResponses<K extends object, S> = Array<[Receiver<K, S>, unknown]>;

const ANY_SENDER = Symbol('any sender');

/*
 * V8 before 12 (Node 18 and 20) misses its inline cache when a property is
 * added after a spread, building a new hidden class on every send (~1 µs);
 * V8 12+ is fastest that way. bench/dispatch.ts measures both forms.
 */
const SPREAD_THEN_ADD_IS_SLOW = Number(process.versions.v8.split('.')[0]) < 12;
const NO_REGISTRATIONS: readonly Registration[] = Object.freeze([]);

type AnyFunction = Function;

/** One connected receiver: its key and a strong or weak hold on the function. */
class Registration {
  private readonly strongReceiver: AnyFunction | undefined;
  private readonly weakReceiver: WeakRef<AnyFunction> | undefined;

  constructor(
    receiver: AnyFunction,
    weak: boolean,
    readonly dispatchUid: DispatchUid | undefined,
    readonly senderKey: unknown
  ) {
    this.strongReceiver = weak ? undefined : receiver;
    this.weakReceiver = weak ? new WeakRef(receiver) : undefined;
  }

  /** The receiver, or `undefined` once a weak receiver was collected. */
  live(): AnyFunction | undefined {
    return this.strongReceiver ?? this.weakReceiver?.deref();
  }

  get isWeak(): boolean {
    return this.weakReceiver !== undefined;
  }

  hears(senderKey: unknown): boolean {
    return this.senderKey === ANY_SENDER || this.senderKey === senderKey;
  }

  hasKey(receiver: unknown, dispatchUid: DispatchUid | undefined, senderKey: unknown): boolean {
    if (this.senderKey !== senderKey || this.dispatchUid !== dispatchUid) return false;
    // A collected weak receiver no longer holds its key, even before the
    // finalizer removes it (Django clears dead receivers before matching).
    const live = this.live();
    return live !== undefined && (dispatchUid !== undefined || live === receiver);
  }
}

/**
 * A signal that receivers connect to and senders send through.
 *
 * `K` is the kwargs a sender passes; every receiver is called as
 * `receiver(sender, { ...kwargs, signal })`.
 */
export class Signal<K extends object = Record<string, unknown>, S = unknown> {
  /*
   * Copy-on-write: connect and disconnect replace the array, never mutate it,
   * so a send that holds the array works on a snapshot for free.
   */
  private registrations: readonly Registration[] = NO_REGISTRATIONS;
  private senderFilteredCount = 0;
  private readonly senderCache: SenderCache | undefined;
  private finalizer: FinalizationRegistry<Registration> | undefined;

  constructor(options: SignalOptions = {}) {
    assertOptionsObject('Signal constructor', options);
    assertOptionalBoolean('Signal constructor', 'useCaching', options.useCaching);
    this.senderCache = options.useCaching ? new SenderCache() : undefined;
  }

  /**
   * Connects `receiver`. Connecting a key that is already registered does
   * nothing. Throws a TypeError when `receiver` is not a function.
   */
  connect(receiver: Receiver<K, S>, options: ConnectOptions<S> = {}): void {
    assertReceiver('Signal.connect()', receiver);
    assertOptionsObject('Signal.connect()', options);
    assertOptionalBoolean('Signal.connect()', 'weak', options.weak);
    assertOptionalDispatchUid('Signal.connect()', options.dispatchUid);
    const senderKey = toSenderKey(options.sender);
    if (this.findIndex(receiver, options.dispatchUid, senderKey) !== -1) return;

    const registration = new Registration(
      receiver as AnyFunction,
      options.weak === true,
      options.dispatchUid,
      senderKey
    );
    if (registration.isWeak) this.watchForCollection(receiver, registration);
    this.replaceRegistrations([...this.registrations, registration]);
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
    const index = this.findIndex(receiver, options.dispatchUid, toSenderKey(options.sender));
    if (index === -1) return false;
    const removed = this.registrations[index];
    this.finalizer?.unregister(removed);
    this.replaceRegistrations(this.registrations.filter((_, i) => i !== index));
    return true;
  }

  /** Whether a send from `sender` would reach at least one live receiver. */
  hasListeners(sender?: S | null): boolean {
    const registrations = this.registrationsFor(sender);
    for (let i = 0; i < registrations.length; i++) {
      if (registrations[i].live() !== undefined) return true;
    }
    return false;
  }

  /**
   * Calls every receiver of `sender` in connection order and returns
   * `[receiver, response]` pairs. A receiver's error propagates at once.
   */
  send(sender: S, kwargs?: K): SendResponses<K, S> {
    assertKwargs('Signal.send()', kwargs);
    const registrations = this.registrationsFor(sender);
    if (registrations.length === 0) return [];
    const named = this.withSignal(kwargs);
    const responses: SendResponses<K, S> = new Array(registrations.length);
    let count = 0;
    for (let i = 0; i < registrations.length; i++) {
      const receiver = registrations[i].live() as Receiver<K, S> | undefined;
      if (receiver !== undefined) responses[count++] = [receiver, receiver(sender, named)];
    }
    responses.length = count; // fewer when a weak receiver was collected
    return responses;
  }

  /**
   * Like `send`, but calls every receiver: an error a receiver throws is
   * reported through `diag` and stands in place of its response.
   */
  sendRobust(sender: S, kwargs?: K): SendResponses<K, S> {
    assertKwargs('Signal.sendRobust()', kwargs);
    const registrations = this.registrationsFor(sender);
    if (registrations.length === 0) return [];
    const named = this.withSignal(kwargs);
    const responses: SendResponses<K, S> = [];
    for (let i = 0; i < registrations.length; i++) {
      const receiver = registrations[i].live() as Receiver<K, S> | undefined;
      if (receiver === undefined) continue;
      try {
        responses.push([receiver, receiver(sender, named)]);
      } catch (error) {
        reportReceiverError('Signal.sendRobust()', receiver, error);
        responses.push([receiver, error]);
      }
    }
    return responses;
  }

  /**
   * Calls every receiver and awaits all responses together; resolves to the
   * pairs in connection order, rejects with the first receiver error.
   */
  async asend(sender: S, kwargs?: K): Promise<SendResponses<K, S>> {
    assertKwargs('Signal.asend()', kwargs);
    const registrations = this.registrationsFor(sender);
    if (registrations.length === 0) return [];
    const named = this.withSignal(kwargs);
    const receivers: Array<Receiver<K, S>> = [];
    const pending: unknown[] = [];
    for (let i = 0; i < registrations.length; i++) {
      const receiver = registrations[i].live() as Receiver<K, S> | undefined;
      if (receiver === undefined) continue;
      receivers.push(receiver);
      // A synchronous throw must not skip later receivers or leave earlier
      // promises unhandled: it joins Promise.all as a rejection.
      try {
        pending.push(receiver(sender, named));
      } catch (error) {
        pending.push(Promise.reject(error));
      }
    }
    return pairUp(receivers, await Promise.all(pending));
  }

  /**
   * Like `asend`, but a receiver's error (thrown or rejected) is reported
   * through `diag` and stands in place of its response.
   */
  async asendRobust(sender: S, kwargs?: K): Promise<SendResponses<K, S>> {
    assertKwargs('Signal.asendRobust()', kwargs);
    const registrations = this.registrationsFor(sender);
    if (registrations.length === 0) return [];
    const named = this.withSignal(kwargs);
    const receivers: Array<Receiver<K, S>> = [];
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < registrations.length; i++) {
      const receiver = registrations[i].live() as Receiver<K, S> | undefined;
      if (receiver === undefined) continue;
      receivers.push(receiver);
      pending.push(settleRobustly(receiver, () => receiver(sender, named)));
    }
    return pairUp(receivers, await Promise.all(pending));
  }

  /**
   * @internal Robust dispatch for the instrumentation: `named` already holds
   * `signal`, nothing is collected, and a rejected promise is reported rather
   * than left unhandled. `onReceiverDone` sees each receiver's synchronous
   * duration when timing is wanted.
   */
  _notifyRobust(sender: S, named: ReceiverKwargs<K, S>, timer?: ReceiverTimer): void {
    const registrations = this.registrationsFor(sender);
    for (let i = 0; i < registrations.length; i++) {
      const receiver = registrations[i].live() as Receiver<K, S> | undefined;
      if (receiver === undefined) continue;
      const started = timer === undefined ? 0 : performance.now();
      try {
        const response = receiver(sender, named);
        if (isPromiseLike(response)) {
          response.then(undefined, error => reportReceiverError('a request signal', receiver, error));
        }
      } catch (error) {
        reportReceiverError('a request signal', receiver, error);
      }
      if (timer !== undefined) timer(receiver, performance.now() - started);
    }
  }

  /** @internal Whether any receiver might hear `sender`, without dereferencing weak ones. */
  _mayHaveReceivers(sender: S): boolean {
    return this.registrationsFor(sender).length !== 0;
  }

  private withSignal(kwargs: K | undefined): ReceiverKwargs<K, S> {
    if (kwargs === undefined) return { signal: this } as ReceiverKwargs<K, S>;
    if (!SPREAD_THEN_ADD_IS_SLOW) return { ...kwargs, signal: this };
    const named = { signal: this, ...kwargs } as ReceiverKwargs<K, S>;
    if (named.signal !== this) named.signal = this; // the caller's kwargs had a `signal` of its own
    return named;
  }

  private registrationsFor(sender: unknown): readonly Registration[] {
    const registrations = this.registrations;
    if (registrations.length === 0) return NO_REGISTRATIONS;
    const senderKey = toSenderKey(sender);
    if (this.senderCache === undefined) return filterBySender(registrations, this.senderFilteredCount, senderKey);
    let cached = this.senderCache.get(senderKey);
    if (cached === undefined) {
      cached = filterBySender(registrations, this.senderFilteredCount, senderKey);
      this.senderCache.set(senderKey, cached);
    }
    return cached;
  }

  private findIndex(receiver: unknown, dispatchUid: DispatchUid | undefined, senderKey: unknown): number {
    return this.registrations.findIndex(r => r.hasKey(receiver, dispatchUid, senderKey));
  }

  /** The one place registrations change, so the cache is invalidated here only. */
  private replaceRegistrations(next: readonly Registration[]): void {
    this.registrations = next.length === 0 ? NO_REGISTRATIONS : next;
    this.senderFilteredCount = next.filter(r => r.senderKey !== ANY_SENDER).length;
    this.senderCache?.clear();
  }

  private watchForCollection(receiver: object, registration: Registration): void {
    this.finalizer ??= new FinalizationRegistry(collected => this.removeCollected(collected));
    this.finalizer.register(receiver, registration, registration);
  }

  private removeCollected(collected: Registration): void {
    if (!this.registrations.includes(collected)) return;
    this.replaceRegistrations(this.registrations.filter(r => r !== collected));
  }
}

/** Called after each receiver of an instrumented dispatch with its duration. */
export type ReceiverTimer = (receiver: AnyFunction, durationMs: number) => void;

/**
 * Per-sender receiver lists. Object senders are held weakly so the cache never
 * keeps a sender alive; primitive senders cannot be collected anyway.
 */
class SenderCache {
  private objects = new WeakMap<object, readonly Registration[]>();
  private primitives = new Map<unknown, readonly Registration[]>();

  get(senderKey: unknown): readonly Registration[] | undefined {
    return isWeakKey(senderKey) ? this.objects.get(senderKey) : this.primitives.get(senderKey);
  }

  set(senderKey: unknown, registrations: readonly Registration[]): void {
    if (isWeakKey(senderKey)) this.objects.set(senderKey, registrations);
    else this.primitives.set(senderKey, registrations);
  }

  clear(): void {
    this.objects = new WeakMap();
    this.primitives.clear();
  }
}

function isWeakKey(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function toSenderKey(sender: unknown): unknown {
  return sender === undefined || sender === null ? ANY_SENDER : sender;
}

function filterBySender(
  registrations: readonly Registration[],
  senderFilteredCount: number,
  senderKey: unknown
): readonly Registration[] {
  if (senderFilteredCount === 0) return registrations;
  const heard = registrations.filter(r => r.hears(senderKey));
  return heard.length === 0 ? NO_REGISTRATIONS : heard;
}

function pairUp<K extends object, S>(receivers: Array<Receiver<K, S>>, responses: unknown[]): SendResponses<K, S> {
  return receivers.map((receiver, i) => [receiver, responses[i]]);
}

async function settleRobustly(receiver: AnyFunction, call: () => unknown): Promise<unknown> {
  try {
    return await call();
  } catch (error) {
    reportReceiverError('Signal.asendRobust()', receiver, error);
    return error;
  }
}

function reportReceiverError(where: string, receiver: AnyFunction, error: unknown): void {
  diag.error(`Error calling ${receiverName(receiver)} in ${where} (${safeString(error)})`, error);
}

function assertKwargs(where: string, kwargs: unknown): void {
  if (kwargs !== undefined && (typeof kwargs !== 'object' || kwargs === null)) {
    throw new TypeError(`${where} expects kwargs to be an object, got ${describe(kwargs)}`);
  }
}

function assertReceiver(where: string, receiver: unknown): void {
  if (typeof receiver !== 'function') {
    throw new TypeError(`${where} expects the receiver to be a function, got ${describe(receiver)}`);
  }
}

function assertOptionsObject(where: string, options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where} expects options to be an object, got ${describe(options)}`);
  }
}

function assertOptionalBoolean(where: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`${where} expects options.${name} to be a boolean, got ${describe(value)}`);
  }
}

function assertOptionalDispatchUid(where: string, value: unknown): void {
  const type = typeof value;
  if (value !== undefined && type !== 'string' && type !== 'number' && type !== 'symbol') {
    throw new TypeError(
      `${where} expects options.dispatchUid to be a string, number or symbol, got ${describe(value)}`
    );
  }
}
