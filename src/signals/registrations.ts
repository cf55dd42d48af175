/*
 * Where a Signal keeps its receivers: one list for "any sender" and one per
 * sender, each ready to dispatch (merged with the any-sender list, in
 * dispatch order), so a send looks its list up and copies nothing.
 *
 * A sender's list lives in a WeakMap keyed by the sender, and nothing else
 * holds it strongly: the sender is not kept alive by its receivers (not even
 * by a receiver that references it, as a WeakMap value does not keep its key
 * alive), and its registrations go with it.
 */

/** The key of a registration when no function identity is wanted. */
export type DispatchUid = string | number | symbol;

type AnyFunction = (...args: never[]) => unknown;

/** What a WeakMap (object senders) and a Map (primitive senders) have in common here. */
interface SenderMap {
  get(sender: unknown): ReceiverList | undefined;
  set(sender: unknown, list: ReceiverList): unknown;
}

const NO_REGISTRATIONS: readonly Registration[] = Object.freeze([]);

/** One connected receiver: a strong or weak hold on the function, and its key. */
export class Registration {
  private readonly strongReceiver: AnyFunction | undefined;
  private readonly weakReceiver: WeakRef<AnyFunction> | undefined;
  /** Django's iscoroutinefunction(), decided once, at connect. */
  readonly isAsync: boolean;

  constructor(
    receiver: AnyFunction,
    weak: boolean,
    readonly dispatchUid: DispatchUid | undefined,
    /** Where the registration lives, to remove it once a weak receiver is collected. */
    readonly list: WeakRef<ReceiverList> | ReceiverList,
    /** Connection order across all lists of the signal. */
    readonly order: number
  ) {
    this.strongReceiver = weak ? undefined : receiver;
    this.weakReceiver = weak ? new WeakRef(receiver) : undefined;
    this.isAsync = isAsyncFunction(receiver);
  }

  /** The receiver, or `undefined` once a weak receiver was collected. */
  live(): AnyFunction | undefined {
    return this.strongReceiver ?? this.weakReceiver?.deref();
  }

  hasKey(receiver: unknown, dispatchUid: DispatchUid | undefined): boolean {
    if (this.dispatchUid !== dispatchUid) return false;
    // A collected weak receiver no longer holds its key, even before the
    // finalizer removes it (Django clears dead receivers before matching).
    const live = this.live();
    return live !== undefined && (dispatchUid !== undefined || live === receiver);
  }
}

/** The registrations of one sender (or of any sender), in connection order. */
export class ReceiverList {
  /** The sender, to drop this list once it is empty; weakly when an object, so nothing here holds it. */
  private readonly sender: WeakRef<object> | { deref(): unknown };
  own: readonly Registration[] = NO_REGISTRATIONS;
  /** `own` merged with the any-sender list, sync receivers first: what a send calls. */
  dispatch: readonly Registration[] = NO_REGISTRATIONS;
  /** The any-sender version `dispatch` was built from. */
  builtFrom = -1;

  constructor(sender: unknown) {
    this.sender = isWeakKey(sender) ? new WeakRef(sender) : { deref: () => sender };
  }

  /** The sender, `undefined` for the any-sender list or once the sender was collected. */
  senderOf(): unknown {
    return this.sender.deref();
  }

  find(receiver: unknown, dispatchUid: DispatchUid | undefined): Registration | undefined {
    return this.own.find(r => r.hasKey(receiver, dispatchUid));
  }
}

export class Registrations {
  private readonly any = new ReceiverList(undefined);
  /** Bumped whenever the any-sender list changes; sender lists rebuild lazily. */
  private anyVersion = 0;
  private readonly objectSenders = new WeakMap<object, ReceiverList>();
  private readonly primitiveSenders = new Map<unknown, ReceiverList>();
  /** Sender lists created; an upper bound once senders were collected. */
  private senderLists = 0;
  private nextOrder = 0;

  constructor() {
    this.any.builtFrom = this.anyVersion;
  }

  /** What a send from `sender` calls, in dispatch order. Never mutated: a snapshot. */
  forSender(sender: unknown): readonly Registration[] {
    // The hot path (request signals, receivers for any server) ends here.
    if (this.senderLists === 0 || sender === undefined || sender === null) return this.any.dispatch;
    const list = isWeakKey(sender) ? this.objectSenders.get(sender) : this.primitiveSenders.get(sender);
    if (list === undefined) return this.any.dispatch;
    if (list.builtFrom !== this.anyVersion) this.rebuild(list);
    return list.dispatch;
  }

  /** Adds a registration unless its key is taken; returns it, or undefined. */
  add(
    receiver: AnyFunction,
    weak: boolean,
    dispatchUid: DispatchUid | undefined,
    sender: unknown
  ): Registration | undefined {
    const existing = this.listOf(sender, false);
    if (existing?.find(receiver, dispatchUid) !== undefined) return undefined;
    const list = existing ?? this.listOf(sender, true)!;
    // A sender's list is held weakly from its registrations, so that a weak
    // receiver's finalizer (which holds the registration) does not hold it.
    const holder = list === this.any ? list : new WeakRef(list);
    const registration = new Registration(receiver, weak, dispatchUid, holder, this.nextOrder++);
    this.replace(list, sender, [...list.own, registration]);
    return registration;
  }

  /** Removes a registration by key; returns it, or undefined. */
  remove(receiver: unknown, dispatchUid: DispatchUid | undefined, sender: unknown): Registration | undefined {
    const list = this.listOf(sender, false);
    const registration = list?.find(receiver, dispatchUid);
    if (list === undefined || registration === undefined) return undefined;
    this.replace(
      list,
      sender,
      list.own.filter(r => r !== registration)
    );
    return registration;
  }

  /** Removes a registration whose weak receiver was collected. */
  removeCollected(registration: Registration): void {
    const list = registration.list instanceof ReceiverList ? registration.list : registration.list.deref();
    if (list === undefined || !list.own.includes(registration)) return; // its sender went first
    this.replace(
      list,
      list.senderOf(),
      list.own.filter(r => r !== registration)
    );
  }

  private listOf(sender: unknown, create: boolean): ReceiverList | undefined {
    if (sender === undefined || sender === null) return this.any;
    const senders: SenderMap = isWeakKey(sender) ? this.objectSenders : this.primitiveSenders;
    let list = senders.get(sender);
    if (list === undefined && create) {
      list = new ReceiverList(sender);
      senders.set(sender, list);
      this.senderLists++;
    }
    return list;
  }

  /** The one place lists change. Arrays are replaced, never mutated: sends hold snapshots. */
  private replace(list: ReceiverList, sender: unknown, own: readonly Registration[]): void {
    list.own = own.length === 0 ? NO_REGISTRATIONS : own;
    if (list === this.any) {
      this.anyVersion++;
      list.dispatch = dispatchOrder(list.own);
      list.builtFrom = this.anyVersion;
    } else if (own.length === 0) {
      this.forget(sender);
    } else {
      this.rebuild(list);
    }
  }

  private rebuild(list: ReceiverList): void {
    list.dispatch = dispatchOrder(mergeByOrder(this.any.own, list.own));
    list.builtFrom = this.anyVersion;
  }

  private forget(sender: unknown): void {
    const deleted = isWeakKey(sender) ? this.objectSenders.delete(sender) : this.primitiveSenders.delete(sender);
    if (deleted) this.senderLists--;
  }
}

/** Django calls sync receivers first, then async ones; connection order within each. */
function dispatchOrder(registrations: readonly Registration[]): readonly Registration[] {
  if (registrations.length === 0) return NO_REGISTRATIONS;
  if (!registrations.some(r => r.isAsync)) return registrations;
  return [...registrations.filter(r => !r.isAsync), ...registrations.filter(r => r.isAsync)];
}

function mergeByOrder(a: readonly Registration[], b: readonly Registration[]): Registration[] {
  return [...a, ...b].sort((x, y) => x.order - y.order);
}

function isWeakKey(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/**
 * Our iscoroutinefunction(): an `async function` or async arrow (bound ones
 * too). A plain function that returns a promise is a sync receiver, as in
 * Django; async generator functions are not async receivers either.
 */
function isAsyncFunction(fn: AnyFunction): boolean {
  try {
    return Object.prototype.toString.call(fn) === '[object AsyncFunction]';
  } catch {
    return false; // a revoked Proxy: calling it will throw, as a sync receiver
  }
}
