/*
 * Signal's input validation: bad input is a TypeError naming the problem,
 * thrown before anything changes. The dispatchUid values refused (NaN, '')
 * are in signal-dispatch-uid.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { Receiver, Signal } from '../src/signals/signal';

type Kwargs = { val?: unknown };
type TestReceiver = Receiver<Kwargs, unknown>;

const receiver1Arg: TestReceiver = (_sender, { val }) => val;

/** Casts a deliberately wrong value past the type checker. */
function bad<T>(value: unknown): T {
  return value as T;
}

describe('Signal input validation', () => {
  let signal: Signal<Kwargs, unknown>;
  const sender = { name: 'sender' };

  beforeEach(() => {
    signal = new Signal<Kwargs, unknown>();
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
        typeError(
          /^Signal\.disconnect\(\) expects options\.dispatchUid to be a string, number or symbol, got an array$/
        )
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
