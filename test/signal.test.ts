/*
 * Signal's dispatch behaviour, ported from Django's tests/dispatch/tests.py
 * (DispatcherTests) plus snapshot sends, useCaching and input validation.
 * Weak receivers that need a garbage collector are in signal-weak.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { Receiver, Signal } from '../src/signal';
import { DiagSpy, spyOnDiag } from './utils/diag-spy';

type Kwargs = { val?: unknown };
type TestSignal = Signal<Kwargs, unknown>;
type TestReceiver = Receiver<Kwargs, unknown>;

/** Django's receiver_1_arg: answers with the `val` it was sent. */
const receiver1Arg: TestReceiver = (_sender, { val }) => val;
/** Django's receiver_1_arg_async. */
const receiver1ArgAsync: TestReceiver = async (_sender, { val }) => val;

/** Casts a deliberately wrong value past the type checker. */
function bad<T>(value: unknown): T {
  return value as T;
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(res => (resolve = res));
  return { promise, resolve };
}

function nextMacrotask(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}

describe('Signal', () => {
  let signal: TestSignal;
  const sender = { name: 'sender' };
  const otherSender = { name: 'other sender' };

  beforeEach(() => {
    signal = new Signal<Kwargs, unknown>();
  });

  afterEach(() => {
    sinon.restore();
  });

  describe('send()', () => {
    it('calls a receiver connected for the sender and returns its response', () => {
      signal.connect(receiver1Arg, { sender });
      assert.deepEqual(signal.send(sender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('returns an empty list when no receiver is connected', () => {
      assert.deepEqual(signal.send(sender, { val: 'test' }), []);
    });

    it('calls a receiver connected without a sender for any sender', () => {
      signal.connect(receiver1Arg);
      assert.deepEqual(signal.send(sender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('treats a null sender option like no sender', () => {
      signal.connect(receiver1Arg, { sender: null });
      assert.deepEqual(signal.send(sender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('does not call a receiver connected for a different sender', () => {
      signal.connect(receiver1Arg, { sender: otherSender });
      assert.deepEqual(signal.send(sender, { val: 'test' }), []);
    });

    it('does not call a receiver connected for a sender when sent without a sender', () => {
      signal.connect(receiver1Arg, { sender });
      assert.deepEqual(signal.send(undefined, { val: 'test' }), []);
    });

    it('matches a primitive sender by value', () => {
      signal.connect(receiver1Arg, { sender: 'model' });
      assert.deepEqual(signal.send('model', { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('calls a receiver with the sender and the kwargs plus the signal', () => {
      const spy = sinon.spy();
      signal.connect(spy);
      signal.send(sender, { val: 'test' });
      sinon.assert.calledOnceWithExactly(spy, sender, { val: 'test', signal });
    });

    it('passes the sending signal itself as kwargs.signal', () => {
      const spy = sinon.spy();
      signal.connect(spy);
      signal.send(sender, { val: 'test' });
      assert.equal(spy.firstCall.args[1].signal, signal);
    });

    it('passes `signal` even when sent without kwargs', () => {
      const spy = sinon.spy();
      signal.connect(spy);
      signal.send(sender);
      sinon.assert.calledOnceWithExactly(spy, sender, { signal });
    });

    it("leaves the caller's kwargs object unchanged", () => {
      const kwargs = { val: 'test' };
      signal.connect(receiver1Arg);
      signal.send(sender, kwargs);
      assert.deepEqual(kwargs, { val: 'test' });
    });

    it('calls receivers in connection order', () => {
      const first: TestReceiver = () => 'first';
      const second: TestReceiver = () => 'second';
      const third: TestReceiver = () => 'third';
      signal.connect(first);
      signal.connect(second, { sender });
      signal.connect(third);
      assert.deepEqual(
        signal.send(sender).map(([, response]) => response),
        ['first', 'second', 'third']
      );
    });

    it("returns an async receiver's promise without awaiting it", () => {
      signal.connect(receiver1ArgAsync);
      const [[, response]] = signal.send(sender, { val: 'test' });
      assert.ok(response instanceof Promise);
    });

    it("propagates a receiver's error", () => {
      const error = new Error('this');
      signal.connect(() => {
        throw error;
      });
      assert.throws(() => signal.send(sender), error);
    });

    it('does not call the receivers after one that throws', () => {
      const later = sinon.spy();
      signal.connect(() => {
        throw new Error('this');
      });
      signal.connect(later);
      assert.throws(() => signal.send(sender));
      sinon.assert.notCalled(later);
    });
  });

  describe('connect()', () => {
    it('registers a function connected several times only once', () => {
      for (let i = 0; i < 6; i++) signal.connect(receiver1Arg);
      assert.equal(signal.send(sender, { val: 'test' }).length, 1);
    });

    it('registers the same function for two senders twice', () => {
      signal.connect(receiver1Arg, { sender });
      signal.connect(receiver1Arg, { sender: otherSender });
      signal.disconnect(receiver1Arg, { sender });
      assert.deepEqual(signal.send(otherSender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('registers a function connected for a sender and for any sender twice', () => {
      signal.connect(receiver1Arg, { sender });
      signal.connect(receiver1Arg);
      assert.equal(signal.send(sender, { val: 'test' }).length, 2);
    });

    it('calls a receiver connected with weak: true while it is referenced', () => {
      signal.connect(receiver1Arg, { weak: true });
      assert.deepEqual(signal.send(sender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('registers a function connected once strongly and once weakly only once', () => {
      signal.connect(receiver1Arg);
      signal.connect(receiver1Arg, { weak: true });
      assert.equal(signal.send(sender, { val: 'test' }).length, 1);
    });
  });

  describe('dispatchUid', () => {
    it('ignores a second function connected with an existing dispatchUid', () => {
      const uidBasedReceiver1: TestReceiver = () => 1;
      const uidBasedReceiver2: TestReceiver = () => 2;
      signal.connect(uidBasedReceiver1, { dispatchUid: 'uid' });
      signal.connect(uidBasedReceiver2, { dispatchUid: 'uid' });
      assert.deepEqual(signal.send(sender), [[uidBasedReceiver1, 1]]);
    });

    it('disconnects a registration by its dispatchUid alone', () => {
      signal.connect(receiver1Arg, { dispatchUid: 'uid' });
      signal.disconnect(undefined, { dispatchUid: 'uid' });
      assert.deepEqual(signal.send(sender), []);
    });

    it('disconnects by dispatchUid whatever receiver is passed', () => {
      signal.connect(receiver1Arg, { dispatchUid: 'uid' });
      assert.equal(signal.disconnect(receiver1ArgAsync, { dispatchUid: 'uid' }), true);
    });

    it('does not disconnect a dispatchUid registration by its function alone', () => {
      signal.connect(receiver1Arg, { dispatchUid: 'uid' });
      assert.equal(signal.disconnect(receiver1Arg), false);
    });

    it('registers the same dispatchUid for two senders twice', () => {
      signal.connect(receiver1Arg, { dispatchUid: 'uid', sender });
      signal.connect(receiver1ArgAsync, { dispatchUid: 'uid', sender: otherSender });
      assert.deepEqual(signal.send(otherSender, { val: 'test' }).map(([r]) => r), [receiver1ArgAsync]);
    });

    it('accepts a number as dispatchUid', () => {
      signal.connect(receiver1Arg, { dispatchUid: 7 });
      signal.connect(receiver1ArgAsync, { dispatchUid: 7 });
      assert.deepEqual(signal.send(sender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('accepts a symbol as dispatchUid', () => {
      const uid = Symbol('uid');
      signal.connect(receiver1Arg, { dispatchUid: uid });
      signal.connect(receiver1ArgAsync, { dispatchUid: uid });
      assert.deepEqual(signal.send(sender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('keeps the string and number forms of a dispatchUid apart', () => {
      signal.connect(receiver1Arg, { dispatchUid: '7' });
      signal.connect(receiver1ArgAsync, { dispatchUid: 7 });
      assert.equal(signal.send(sender).length, 2);
    });
  });

  describe('disconnect()', () => {
    it('returns true when it removed a receiver', () => {
      signal.connect(receiver1Arg);
      assert.equal(signal.disconnect(receiver1Arg), true);
    });

    it('returns false for a receiver that was never connected', () => {
      signal.connect(receiver1Arg);
      assert.equal(signal.disconnect(receiver1ArgAsync), false);
    });

    it('returns false when disconnecting the same receiver a second time', () => {
      signal.connect(receiver1Arg);
      signal.disconnect(receiver1Arg);
      assert.equal(signal.disconnect(receiver1Arg), false);
    });

    it('stops calling the disconnected receiver', () => {
      signal.connect(receiver1Arg, { sender });
      signal.disconnect(receiver1Arg, { sender });
      assert.deepEqual(signal.send(sender, { val: 'test' }), []);
    });

    it('leaves the other receivers connected', () => {
      const receiver1: TestReceiver = () => 1;
      const receiver2: TestReceiver = () => 2;
      const receiver3: TestReceiver = () => 3;
      signal.connect(receiver1);
      signal.connect(receiver2);
      signal.connect(receiver3);
      signal.disconnect(receiver2);
      assert.deepEqual(signal.send(sender), [
        [receiver1, 1],
        [receiver3, 3],
      ]);
    });

    it('leaves no listeners once every receiver is disconnected', () => {
      const receiver1: TestReceiver = () => 1;
      const receiver2: TestReceiver = () => 2;
      signal.connect(receiver1);
      signal.connect(receiver2);
      signal.disconnect(receiver1);
      signal.disconnect(receiver2);
      assert.equal(signal.hasListeners(), false);
    });

    it('does not remove a registration for a sender when no sender is given', () => {
      signal.connect(receiver1Arg, { sender });
      assert.equal(signal.disconnect(receiver1Arg), false);
    });

    it('does not remove a registration for another sender', () => {
      signal.connect(receiver1Arg, { sender });
      assert.equal(signal.disconnect(receiver1Arg, { sender: otherSender }), false);
    });

    it('disconnects a receiver connected with weak: true', () => {
      signal.connect(receiver1Arg, { weak: true });
      assert.equal(signal.disconnect(receiver1Arg), true);
    });
  });

  describe('hasListeners()', () => {
    it('is false when nothing is connected', () => {
      assert.equal(signal.hasListeners(), false);
    });

    it('is false for a sender when nothing is connected', () => {
      assert.equal(signal.hasListeners({}), false);
    });

    it('is true after a receiver was connected without a sender', () => {
      signal.connect(receiver1Arg);
      assert.equal(signal.hasListeners(), true);
    });

    it('is true for any sender after a receiver was connected without a sender', () => {
      signal.connect(receiver1Arg);
      assert.equal(signal.hasListeners({}), true);
    });

    it('is false again after the receiver was disconnected', () => {
      signal.connect(receiver1Arg);
      signal.disconnect(receiver1Arg);
      assert.equal(signal.hasListeners(), false);
    });

    it('is false for a sender again after the receiver was disconnected', () => {
      signal.connect(receiver1Arg);
      signal.disconnect(receiver1Arg);
      assert.equal(signal.hasListeners({}), false);
    });

    it('is true for the sender a receiver was connected for', () => {
      signal.connect(receiver1Arg, { sender });
      assert.equal(signal.hasListeners(sender), true);
    });

    it('is false for another sender than the one a receiver was connected for', () => {
      signal.connect(receiver1Arg, { sender });
      assert.equal(signal.hasListeners(otherSender), false);
    });

    it('does not count receivers connected for a sender when asked without a sender', () => {
      signal.connect(receiver1Arg, { sender });
      assert.equal(signal.hasListeners(), false);
    });
  });

  describe('sendRobust()', () => {
    let diagSpy: DiagSpy;

    beforeEach(() => {
      diagSpy = spyOnDiag();
    });

    afterEach(() => {
      diagSpy.restore();
    });

    const fails: TestReceiver = () => {
      throw new Error('this');
    };

    it('returns the responses when no receiver fails', () => {
      signal.connect(receiver1Arg);
      assert.deepEqual(signal.sendRobust(sender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('returns an empty list when no receiver is connected', () => {
      assert.deepEqual(signal.sendRobust(sender, { val: 'test' }), []);
    });

    it('does not call a receiver connected for a different sender', () => {
      signal.connect(receiver1Arg, { sender: otherSender });
      assert.deepEqual(signal.sendRobust(sender, { val: 'test' }), []);
    });

    it('puts the error a receiver throws in place of its response', () => {
      const error = new Error('this');
      const failing: TestReceiver = () => {
        throw error;
      };
      signal.connect(failing);
      assert.deepEqual(signal.sendRobust(sender), [[failing, error]]);
    });

    it('returns the very error object the receiver threw', () => {
      const error = new Error('this');
      signal.connect(() => {
        throw error;
      });
      assert.equal(signal.sendRobust(sender)[0][1], error);
    });

    it('puts a thrown non-Error value in place of the response', () => {
      signal.connect(() => {
        throw 'just a string';
      });
      assert.equal(signal.sendRobust(sender)[0][1], 'just a string');
    });

    it('calls the receivers after one that throws', () => {
      signal.connect(fails);
      signal.connect(receiver1Arg);
      assert.deepEqual(signal.sendRobust(sender, { val: 'test' })[1], [receiver1Arg, 'test']);
    });

    it('reports a receiver error through the diag logger with the error', () => {
      signal.connect(fails);
      const [[, error]] = signal.sendRobust(sender);
      sinon.assert.calledOnceWithExactly(
        diagSpy.error,
        'Error calling fails in Signal.sendRobust() (Error: this)',
        error
      );
    });

    it('names an anonymous receiver in the diag report', () => {
      signal.connect(
        [
          () => {
            throw new Error('this');
          },
        ][0]
      );
      signal.sendRobust(sender);
      sinon.assert.calledWithMatch(diagSpy.error, '(anonymous receiver)');
    });

    it('reports nothing through the diag logger when no receiver fails', () => {
      signal.connect(receiver1Arg);
      signal.sendRobust(sender, { val: 'test' });
      sinon.assert.notCalled(diagSpy.error);
    });
  });

  describe('asend()', () => {
    it('resolves to the awaited responses of async receivers', async () => {
      signal.connect(receiver1ArgAsync, { sender });
      assert.deepEqual(await signal.asend(sender, { val: 'test' }), [[receiver1ArgAsync, 'test']]);
    });

    it('includes the responses of sync receivers', async () => {
      signal.connect(receiver1Arg);
      assert.deepEqual(await signal.asend(sender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('resolves to an empty list when no receiver is connected', async () => {
      assert.deepEqual(await signal.asend(sender, { val: 'test' }), []);
    });

    it('calls a receiver connected without a sender for any sender', async () => {
      signal.connect(receiver1ArgAsync);
      assert.deepEqual(await signal.asend(sender, { val: 'test' }), [[receiver1ArgAsync, 'test']]);
    });

    it('does not call a receiver connected for a different sender', async () => {
      signal.connect(receiver1ArgAsync, { sender: otherSender });
      assert.deepEqual(await signal.asend(sender, { val: 'test' }), []);
    });

    it('passes the sender and the kwargs plus the signal', async () => {
      const spy = sinon.spy();
      signal.connect(spy);
      await signal.asend(sender, { val: 'test' });
      sinon.assert.calledOnceWithExactly(spy, sender, { val: 'test', signal });
    });

    it('resolves in connection order even when responses settle in reverse', async () => {
      const firstGate = deferred<string>();
      const secondGate = deferred<string>();
      const first: TestReceiver = () => firstGate.promise;
      const second: TestReceiver = () => secondGate.promise;
      signal.connect(first);
      signal.connect(second);
      const sending = signal.asend(sender);
      secondGate.resolve('second');
      await nextMacrotask();
      firstGate.resolve('first');
      assert.deepEqual(await sending, [
        [first, 'first'],
        [second, 'second'],
      ]);
    });

    it('calls every receiver before any response settles', async () => {
      const gate = deferred<string>();
      const second = sinon.spy();
      signal.connect(() => gate.promise);
      signal.connect(second);
      const sending = signal.asend(sender);
      const secondCalledBeforeFirstSettled = second.called;
      gate.resolve('first');
      await sending;
      assert.equal(secondCalledBeforeFirstSettled, true);
    });

    it("rejects with a receiver's rejection", async () => {
      const error = new Error('rejected');
      signal.connect(receiver1ArgAsync);
      signal.connect(async () => {
        throw error;
      });
      await assert.rejects(signal.asend(sender), error);
    });

    it('rejects with the error a receiver throws synchronously', async () => {
      const error = new Error('thrown');
      signal.connect(() => {
        throw error;
      });
      await assert.rejects(signal.asend(sender), error);
    });

    it('calls the receivers after one that throws synchronously', async () => {
      const later = sinon.spy();
      signal.connect(() => {
        throw new Error('thrown');
      });
      signal.connect(later);
      await signal.asend(sender).catch(() => undefined);
      sinon.assert.calledOnce(later);
    });

    it('leaves no rejection unhandled when one receiver rejects and a later one throws', async () => {
      const unhandled = sinon.spy();
      process.on('unhandledRejection', unhandled);
      try {
        signal.connect(async () => {
          throw new Error('rejected');
        });
        signal.connect(() => {
          throw new Error('thrown');
        });
        await signal.asend(sender).catch(() => undefined);
        await nextMacrotask();
      } finally {
        process.off('unhandledRejection', unhandled);
      }
      sinon.assert.notCalled(unhandled);
    });
  });

  describe('asendRobust()', () => {
    let diagSpy: DiagSpy;

    beforeEach(() => {
      diagSpy = spyOnDiag();
    });

    afterEach(() => {
      diagSpy.restore();
    });

    it('resolves to the awaited responses when no receiver fails', async () => {
      signal.connect(receiver1ArgAsync);
      assert.deepEqual(await signal.asendRobust(sender, { val: 'test' }), [[receiver1ArgAsync, 'test']]);
    });

    it('resolves to an empty list when no receiver is connected', async () => {
      assert.deepEqual(await signal.asendRobust(sender, { val: 'test' }), []);
    });

    it('does not call a receiver connected for a different sender', async () => {
      signal.connect(receiver1ArgAsync, { sender: otherSender });
      assert.deepEqual(await signal.asendRobust(sender, { val: 'test' }), []);
    });

    it("puts a rejected promise's error in place of its response", async () => {
      const error = new Error('rejected');
      const failing: TestReceiver = () => Promise.reject(error);
      signal.connect(failing);
      assert.deepEqual(await signal.asendRobust(sender), [[failing, error]]);
    });

    it('puts a synchronously thrown error in place of its response', async () => {
      const error = new Error('thrown');
      const failing: TestReceiver = () => {
        throw error;
      };
      signal.connect(failing);
      assert.deepEqual(await signal.asendRobust(sender), [[failing, error]]);
    });

    it("keeps the other receivers' responses in connection order around a failure", async () => {
      const error = new Error('rejected');
      const failing: TestReceiver = async () => {
        throw error;
      };
      const sync: TestReceiver = () => 'sync';
      signal.connect(sync);
      signal.connect(failing);
      signal.connect(receiver1ArgAsync);
      assert.deepEqual(await signal.asendRobust(sender, { val: 'async' }), [
        [sync, 'sync'],
        [failing, error],
        [receiver1ArgAsync, 'async'],
      ]);
    });

    it('reports a rejection through the diag logger with the error', async () => {
      const error = new Error('this');
      signal.connect(async function fails() {
        throw error;
      });
      await signal.asendRobust(sender);
      sinon.assert.calledOnceWithExactly(
        diagSpy.error,
        'Error calling fails in Signal.asendRobust() (Error: this)',
        error
      );
    });

    it('reports nothing through the diag logger when no receiver fails', async () => {
      signal.connect(receiver1ArgAsync);
      await signal.asendRobust(sender, { val: 'test' });
      sinon.assert.notCalled(diagSpy.error);
    });
  });

  for (const useCaching of [false, true]) {
    describe(`a send works on a snapshot (useCaching: ${useCaching})`, () => {
      beforeEach(() => {
        signal = new Signal<Kwargs, unknown>({ useCaching });
      });

      it('still calls a receiver that an earlier receiver disconnects during the send', () => {
        const victim = sinon.spy();
        signal.connect(() => signal.disconnect(victim));
        signal.connect(victim);
        signal.send(sender);
        sinon.assert.calledOnce(victim);
      });

      it('does not call a receiver connected during the send in that send', () => {
        const latecomer = sinon.spy();
        signal.connect(() => signal.connect(latecomer));
        signal.send(sender);
        sinon.assert.notCalled(latecomer);
      });

      it('calls a receiver connected during a send on the next send', () => {
        const latecomer = sinon.spy();
        signal.connect(() => signal.connect(latecomer));
        signal.send(sender);
        signal.send(sender);
        sinon.assert.calledOnce(latecomer);
      });

      it('does not call a receiver disconnected during a send on the next send', () => {
        const victim = sinon.spy();
        signal.connect(() => signal.disconnect(victim));
        signal.connect(victim);
        signal.send(sender);
        signal.send(sender);
        sinon.assert.calledOnce(victim);
      });

      it('runs every receiver that disconnects itself during the send', () => {
        const ran: string[] = [];
        const selfDisconnecting = (name: string): TestReceiver =>
          function handler(s) {
            ran.push(name);
            signal.disconnect(handler, { sender: s });
          };
        signal.connect(selfDisconnecting('a'), { sender });
        signal.connect(selfDisconnecting('b'), { sender });
        signal.send(sender);
        assert.deepEqual(ran, ['a', 'b']);
      });

      it('leaves no listeners after every receiver disconnected itself during the send', () => {
        const selfDisconnecting = (): TestReceiver =>
          function handler(s) {
            signal.disconnect(handler, { sender: s });
          };
        signal.connect(selfDisconnecting(), { sender });
        signal.connect(selfDisconnecting(), { sender });
        signal.send(sender);
        assert.equal(signal.hasListeners(sender), false);
      });

      it('keeps calling the receivers of an asend that a receiver disconnects', async () => {
        const victim = sinon.spy();
        signal.connect(() => signal.disconnect(victim));
        signal.connect(victim);
        await signal.asend(sender);
        sinon.assert.calledOnce(victim);
      });
    });
  }

  describe('useCaching: true', () => {
    beforeEach(() => {
      signal = new Signal<Kwargs, unknown>({ useCaching: true });
    });

    const senders: Array<[string, unknown]> = [
      ['an object sender', { name: 'object sender' }],
      ['a string sender', 'string sender'],
      ['no sender', undefined],
    ];

    for (const [kind, cachedSender] of senders) {
      describe(`with ${kind}`, () => {
        it('calls the same receivers on repeated sends', () => {
          signal.connect(receiver1Arg);
          signal.send(cachedSender, { val: 'test' });
          assert.deepEqual(signal.send(cachedSender, { val: 'test' }), [[receiver1Arg, 'test']]);
        });

        it('hears a receiver connected after a cached send on the next send', () => {
          signal.connect(receiver1Arg);
          signal.send(cachedSender);
          signal.connect(receiver1ArgAsync);
          assert.equal(signal.send(cachedSender).length, 2);
        });

        it('stops calling a receiver disconnected after a cached send', () => {
          signal.connect(receiver1Arg);
          signal.connect(receiver1ArgAsync);
          signal.send(cachedSender);
          signal.disconnect(receiver1ArgAsync);
          assert.deepEqual(signal.send(cachedSender, { val: 'test' }), [[receiver1Arg, 'test']]);
        });

        it('sees a receiver connected after a cached hasListeners()', () => {
          signal.hasListeners(cachedSender);
          signal.connect(receiver1Arg);
          assert.equal(signal.hasListeners(cachedSender), true);
        });
      });
    }

    it('hears a receiver connected for the sender after a cached send', () => {
      signal.connect(receiver1Arg, { sender: otherSender });
      signal.send(sender);
      signal.connect(receiver1Arg, { sender });
      assert.deepEqual(signal.send(sender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('stops calling a receiver disconnected for the sender after a cached send', () => {
      signal.connect(receiver1Arg, { sender });
      signal.send(sender);
      signal.disconnect(receiver1Arg, { sender });
      assert.deepEqual(signal.send(sender), []);
    });

    it("does not serve one sender's cached list to another sender", () => {
      signal.connect(receiver1Arg, { sender });
      signal.send(sender);
      assert.deepEqual(signal.send(otherSender), []);
    });

    it('keeps the cached lists of two senders apart', () => {
      signal.connect(receiver1Arg, { sender });
      signal.connect(receiver1ArgAsync, { sender: otherSender });
      signal.send(sender);
      signal.send(otherSender);
      assert.deepEqual(signal.send(otherSender).map(([r]) => r), [receiver1ArgAsync]);
    });
  });

  describe('input validation', () => {
    const typeError = (message: RegExp) => ({ name: 'TypeError', message });

    it('rejects a receiver that is not a function', () => {
      assert.throws(
        () => signal.connect(bad<TestReceiver>(42)),
        typeError(/^Signal\.connect\(\) expects the receiver to be a function, got the number 42$/)
      );
    });

    it('rejects an object as receiver', () => {
      assert.throws(
        () => signal.connect(bad<TestReceiver>({})),
        typeError(/expects the receiver to be a function, got an object \(Object\)/)
      );
    });

    it('connects nothing when the receiver is rejected', () => {
      assert.throws(() => signal.connect(bad<TestReceiver>('receiver')));
      assert.equal(signal.hasListeners(), false);
    });

    it('rejects connect options that are not an object', () => {
      assert.throws(
        () => signal.connect(receiver1Arg, bad(null)),
        typeError(/^Signal\.connect\(\) expects options to be an object, got null$/)
      );
    });

    it('rejects a non-boolean weak option', () => {
      assert.throws(
        () => signal.connect(receiver1Arg, { weak: bad<boolean>('yes') }),
        typeError(/^Signal\.connect\(\) expects options\.weak to be a boolean, got the string "yes"$/)
      );
    });

    it('connects nothing when an option is rejected', () => {
      assert.throws(() => signal.connect(receiver1Arg, { weak: bad<boolean>(1) }));
      assert.equal(signal.hasListeners(), false);
    });

    it('rejects a dispatchUid that is not a string, number or symbol', () => {
      assert.throws(
        () => signal.connect(receiver1Arg, { dispatchUid: bad<string>({}) }),
        typeError(/options\.dispatchUid to be a string, number or symbol, got an object \(Object\)/)
      );
    });

    it('rejects a bad dispatchUid in disconnect()', () => {
      assert.throws(
        () => signal.disconnect(undefined, { dispatchUid: bad<string>([]) }),
        typeError(/^Signal\.disconnect\(\) expects options\.dispatchUid to be a string, number or symbol, got an array$/)
      );
    });

    it('rejects disconnect() with neither a receiver nor a dispatchUid', () => {
      assert.throws(
        () => signal.disconnect(),
        typeError(/^Signal\.disconnect\(\) without a dispatchUid expects the receiver to be a function, got undefined$/)
      );
    });

    it('rejects disconnect options that are not an object', () => {
      assert.throws(
        () => signal.disconnect(receiver1Arg, bad('sender')),
        typeError(/^Signal\.disconnect\(\) expects options to be an object, got the string "sender"$/)
      );
    });

    it('rejects kwargs that are not an object in send()', () => {
      signal.connect(receiver1Arg);
      assert.throws(
        () => signal.send(sender, bad<Kwargs>('test')),
        typeError(/^Signal\.send\(\) expects kwargs to be an object, got the string "test"$/)
      );
    });

    it('rejects bad kwargs even when no receiver is connected', () => {
      assert.throws(
        () => signal.send(sender, bad<Kwargs>(42)),
        typeError(/^Signal\.send\(\) expects kwargs to be an object, got the number 42$/)
      );
    });

    it('rejects null kwargs in sendRobust()', () => {
      signal.connect(receiver1Arg);
      assert.throws(
        () => signal.sendRobust(sender, bad<Kwargs>(null)),
        typeError(/^Signal\.sendRobust\(\) expects kwargs to be an object, got null$/)
      );
    });

    it('rejects kwargs that are not an object in asend()', async () => {
      signal.connect(receiver1Arg);
      await assert.rejects(
        signal.asend(sender, bad<Kwargs>(1)),
        typeError(/^Signal\.asend\(\) expects kwargs to be an object, got the number 1$/)
      );
    });

    it('rejects kwargs that are not an object in asendRobust()', async () => {
      signal.connect(receiver1Arg);
      await assert.rejects(
        signal.asendRobust(sender, bad<Kwargs>(true)),
        typeError(/^Signal\.asendRobust\(\) expects kwargs to be an object, got the boolean true$/)
      );
    });

    it('calls no receiver when the kwargs are rejected', () => {
      const spy = sinon.spy();
      signal.connect(spy);
      assert.throws(() => signal.send(sender, bad<Kwargs>('test')));
      sinon.assert.notCalled(spy);
    });

    it('rejects Signal options that are not an object', () => {
      assert.throws(
        () => new Signal(bad(null)),
        typeError(/^Signal constructor expects options to be an object, got null$/)
      );
    });

    it('rejects a non-boolean useCaching option', () => {
      assert.throws(
        () => new Signal({ useCaching: bad<boolean>('yes') }),
        typeError(/^Signal constructor expects options\.useCaching to be a boolean, got the string "yes"$/)
      );
    });
  });
});
