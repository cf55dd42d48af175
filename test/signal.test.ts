/*
 * Signal's synchronous dispatch: send, connect, disconnect, hasListeners,
 * sendRobust, and what the README's Signal section promises about them.
 * Django's own tests are ported in signal-django.test.ts; async sends are in
 * signal-async.test.ts and signal-robust-async.test.ts, dispatchUid in
 * signal-dispatch-uid.test.ts, snapshots and useCaching in
 * signal-snapshot.test.ts, input validation in signal-validation.test.ts, and
 * what needs a garbage collector in signal-weak*.test.ts.
 */
import * as assert from 'node:assert/strict';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import * as sinon from 'sinon';
import { Receiver, ReceiverKwargs, Signal } from '../src/signals/signal';
import { DiagSpy, spyOnDiag } from './utils/diag-spy';

type Kwargs = { val?: unknown };
type TestSignal = Signal<Kwargs, unknown>;
type TestReceiver = Receiver<Kwargs, unknown>;

/** Django's receiver_1_arg: answers with the `val` it was sent. */
const receiver1Arg: TestReceiver = (_sender, { val }) => val;
/** Django's receiver_1_arg_async. */
const receiver1ArgAsync: TestReceiver = async (_sender, { val }) => val;

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
      assert.equal((spy.firstCall.args[1] as ReceiverKwargs<Kwargs>).signal, signal);
    });

    it('passes `signal` even when sent without kwargs', () => {
      const spy = sinon.spy();
      signal.connect(spy);
      signal.send(sender);
      sinon.assert.calledOnceWithExactly(spy, sender, { signal });
    });

    it("passes the signal even when the caller's kwargs have a `signal` of their own", () => {
      const spy = sinon.spy();
      signal.connect(spy);
      signal.send(sender, { val: 'test', signal: 'not the signal' } as Kwargs);
      assert.equal((spy.firstCall.args[1] as ReceiverKwargs<Kwargs>).signal, signal);
    });

    it('gives every receiver of one send the same kwargs object, and the next send a new one', () => {
      const first = sinon.spy();
      const second = sinon.spy();
      signal.connect(first);
      signal.connect(second);
      signal.send(sender, { val: 'test' });
      signal.send(sender, { val: 'test' });
      assert.equal(first.firstCall.args[1], second.firstCall.args[1]);
      assert.notEqual(first.firstCall.args[1], first.secondCall.args[1]);
    });

    it('reaches only the receivers connected without a sender when sent from null', () => {
      signal.connect(receiver1Arg, { sender });
      signal.connect(receiver1ArgAsync);
      assert.deepEqual(
        signal.send(null, { val: 'test' }).map(([r]) => r),
        [receiver1ArgAsync]
      );
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

    it('registers a bound method twice when it is bound twice (a new function each time)', () => {
      const shop = { log: receiver1Arg };
      signal.connect(shop.log.bind(shop));
      signal.connect(shop.log.bind(shop));
      assert.equal(signal.send(sender, { val: 'test' }).length, 2);
      assert.equal(signal.disconnect(shop.log.bind(shop)), false);
    });

    it('registers a function connected once strongly and once weakly only once', () => {
      signal.connect(receiver1Arg);
      signal.connect(receiver1Arg, { weak: true });
      assert.equal(signal.send(sender, { val: 'test' }).length, 1);
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

    it('disconnects a receiver connected without a sender when given a null sender', () => {
      signal.connect(receiver1Arg);
      assert.equal(signal.disconnect(receiver1Arg, { sender: null }), true);
      assert.equal(signal.hasListeners(), false);
    });

    it('disconnects a receiver connected with a null sender when given none', () => {
      signal.connect(receiver1Arg, { sender: null });
      assert.equal(signal.disconnect(receiver1Arg), true);
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

    it('counts only receivers connected without a sender when asked for null', () => {
      signal.connect(receiver1Arg, { sender });
      assert.equal(signal.hasListeners(null), false);
      signal.connect(receiver1ArgAsync);
      assert.equal(signal.hasListeners(null), true);
    });

    it('does not count receivers connected for a sender when asked without a sender', () => {
      signal.connect(receiver1Arg, { sender });
      assert.equal(signal.hasListeners(), false);
    });
  });

  describe('the README example', () => {
    it('connects with a dispatchUid and sends to [[receiver, response]]', () => {
      interface PizzaDone {
        toppings: string[];
        size: number;
      }
      const pizzaDone = new Signal<PizzaDone>();
      class PizzaShop {}
      const logged: string[][] = [];
      const log = (_sender: unknown, { toppings }: PizzaDone) => logged.push(toppings);
      pizzaDone.connect(log, { dispatchUid: 'log-pizzas' });
      pizzaDone.connect((_s, { size }) => size, { dispatchUid: 'log-pizzas' });
      assert.deepEqual(pizzaDone.send(PizzaShop, { toppings: ['basil'], size: 30 }), [[log, 1]]);
      assert.deepEqual(logged, [['basil']]);
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
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- on purpose: a receiver that throws a non-Error
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

    it('still reports, and calls the next receiver, when the failing receiver has a throwing name getter', () => {
      const error = new Error('this');
      const nameless = () => {
        throw error;
      };
      Object.defineProperty(nameless, 'name', {
        get() {
          throw new Error('no name');
        },
      });
      signal.connect(nameless);
      signal.connect(receiver1Arg);
      assert.deepEqual(signal.sendRobust(sender, { val: 'next' }), [
        [nameless, error],
        [receiver1Arg, 'next'],
      ]);
      sinon.assert.calledOnceWithMatch(diagSpy.error, '(a receiver whose name cannot be read)');
    });

    it('calls every receiver even when the diag logger throws', () => {
      diagSpy.error = sinon.stub().throws(new Error('logger down'));
      diag.setLogger(
        { ...diagSpy, error: diagSpy.error },
        { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true }
      );
      signal.connect(fails);
      signal.connect(receiver1Arg);
      assert.equal(signal.sendRobust(sender, { val: 'next' })[1][1], 'next');
      assert.doesNotThrow(() => signal._notifyRobust(sender, { signal }, { where: 'a test', logger: diag }));
      sinon.assert.calledTwice(diagSpy.error);
    });
  });
});
