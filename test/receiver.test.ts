/*
 * receiver(), the port of Django's @receiver decorator (ReceiverTestCase in
 * Django's tests/dispatch/tests.py).
 */
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { receiver } from '../src/signals/receiver';
import { Receiver, Signal } from '../src/signals/signal';

type Kwargs = { val?: unknown };
type TestSignal = Signal<Kwargs, unknown>;

/** Casts a deliberately wrong value past the type checker. */
function bad<T>(value: unknown): T {
  return value as T;
}

describe('receiver()', () => {
  let aSignal: TestSignal;
  let bSignal: TestSignal;
  let cSignal: TestSignal;
  const sender = { name: 'sender' };

  beforeEach(() => {
    aSignal = new Signal<Kwargs, unknown>();
    bSignal = new Signal<Kwargs, unknown>();
    cSignal = new Signal<Kwargs, unknown>();
  });

  it('connects the function to a single signal', () => {
    let state: unknown = false;
    receiver(aSignal)((_sender, { val }) => {
      state = val;
    });
    aSignal.send(sender, { val: true });
    assert.equal(state, true);
  });

  it('connects the function to every signal of a list', () => {
    const state: unknown[] = [];
    receiver([aSignal, bSignal, cSignal])((_sender, { val }) => {
      state.push(val);
    });
    aSignal.send(sender, { val: 'a' });
    cSignal.send(sender, { val: 'c' });
    bSignal.send(sender, { val: 'b' });
    assert.deepEqual(state, ['a', 'c', 'b']);
  });

  it('returns the function unchanged', () => {
    const fn: Receiver<Kwargs, unknown> = () => undefined;
    assert.equal(receiver(aSignal)(fn), fn);
  });

  it('returns the function unchanged for a list of signals', () => {
    const fn: Receiver<Kwargs, unknown> = () => undefined;
    assert.equal(receiver([aSignal, bSignal])(fn), fn);
  });

  it('connects the returned function itself, so it can be disconnected', () => {
    const fn = receiver(aSignal)(() => undefined);
    assert.equal(aSignal.disconnect(fn), true);
  });

  it('passes the connect options on', () => {
    const fn = sinon.spy();
    receiver(aSignal, { sender })(fn);
    aSignal.send({ name: 'another sender' });
    sinon.assert.notCalled(fn);
  });

  it('passes the connect options on to every signal of a list', () => {
    receiver([aSignal, bSignal], { dispatchUid: 'uid' })(() => 'first');
    receiver([aSignal, bSignal], { dispatchUid: 'uid' })(() => 'second');
    assert.deepEqual(
      bSignal.send(sender).map(([, response]) => response),
      ['first']
    );
  });

  it('does not connect anything before it is given a function', () => {
    receiver(aSignal);
    assert.equal(aSignal.hasListeners(), false);
  });

  it('rejects a value that is not a signal with a TypeError naming it', () => {
    assert.throws(() => receiver(bad<TestSignal>(42)), {
      name: 'TypeError',
      message: 'receiver() expects signals, got the number 42 at position 0',
    });
  });

  it('rejects a list holding a non-signal with a TypeError naming its position', () => {
    assert.throws(() => receiver([aSignal, bad<TestSignal>(null)]), {
      name: 'TypeError',
      message: 'receiver() expects signals, got null at position 1',
    });
  });

  it('rejects an empty list with a TypeError', () => {
    assert.throws(() => receiver([]), {
      name: 'TypeError',
      message: 'receiver() expects at least one signal, got an empty array',
    });
  });

  it('rejects a non-function when connecting it', () => {
    assert.throws(() => receiver(aSignal)(bad<Receiver<Kwargs, unknown>>('not a function')), {
      name: 'TypeError',
      message: /expects the receiver to be a function, got the string "not a function"/,
    });
  });
});
