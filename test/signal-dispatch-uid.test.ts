/*
 * dispatchUid: a registration keyed by a value instead of the receiver
 * (Django's test_uid_registration and around it), and the values it refuses.
 */
import * as assert from 'node:assert/strict';
import { Receiver, Signal } from '../src/signals/signal';

type Kwargs = { val?: unknown };
type TestReceiver = Receiver<Kwargs, unknown>;

const receiver1Arg: TestReceiver = (_sender, { val }) => val;
const receiver1ArgAsync: TestReceiver = async (_sender, { val }) => val;

describe('Signal dispatchUid', () => {
  let signal: Signal<Kwargs, unknown>;
  const sender = { name: 'sender' };
  const otherSender = { name: 'other sender' };

  beforeEach(() => {
    signal = new Signal<Kwargs, unknown>();
  });

  describe('as the registration key', () => {
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
      assert.deepEqual(
        signal.send(otherSender, { val: 'test' }).map(([r]) => r),
        [receiver1ArgAsync]
      );
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

  describe('NaN', () => {
    // NaN never equals itself: a registration keyed by it could never be
    // found again, so connecting twice would register twice and disconnect
    // would find nothing. It is refused rather than keyed.
    const message = /got NaN as options\.dispatchUid: NaN never equals itself, so it cannot key a registration$/;

    it('is refused by connect() with a TypeError', () => {
      assert.throws(() => signal.connect(receiver1Arg, { dispatchUid: NaN }), { name: 'TypeError', message });
    });

    it('connects nothing when refused', () => {
      assert.throws(() => signal.connect(receiver1Arg, { dispatchUid: NaN }));
      assert.equal(signal.hasListeners(), false);
    });

    it('is refused by disconnect() with a TypeError', () => {
      assert.throws(() => signal.disconnect(receiver1Arg, { dispatchUid: NaN }), { name: 'TypeError', message });
    });
  });

  describe('falsy values', () => {
    // Django ignores a falsy dispatch_uid (`if dispatch_uid:`), a Python
    // idiom for None. Here `undefined` is "no uid"; 0 is a uid like any other
    // number, and '' is refused: it names nothing, and usually comes from an
    // unset setting.
    it('keys a registration by 0 like any other number', () => {
      signal.connect(receiver1Arg, { dispatchUid: 0 });
      signal.connect(receiver1ArgAsync, { dispatchUid: 0 });
      assert.deepEqual(signal.send(sender, { val: 'test' }), [[receiver1Arg, 'test']]);
    });

    it('disconnects by dispatchUid 0 alone', () => {
      signal.connect(receiver1Arg, { dispatchUid: 0 });
      assert.equal(signal.disconnect(undefined, { dispatchUid: 0 }), true);
      assert.equal(signal.hasListeners(), false);
    });

    it('does not disconnect a registration keyed by 0 through its function alone', () => {
      signal.connect(receiver1Arg, { dispatchUid: 0 });
      assert.equal(signal.disconnect(receiver1Arg), false);
    });

    it('takes -0 and 0 for the same uid', () => {
      signal.connect(receiver1Arg, { dispatchUid: -0 });
      assert.equal(signal.disconnect(undefined, { dispatchUid: 0 }), true);
    });

    it("refuses '' in connect() with a TypeError", () => {
      assert.throws(() => signal.connect(receiver1Arg, { dispatchUid: '' }), {
        name: 'TypeError',
        message: 'Signal.connect() got an empty string as options.dispatchUid: a dispatchUid must name something',
      });
      assert.equal(signal.hasListeners(), false);
    });

    it("refuses '' in disconnect() with a TypeError", () => {
      assert.throws(() => signal.disconnect(receiver1Arg, { dispatchUid: '' }), {
        name: 'TypeError',
        message: /^Signal\.disconnect\(\) got an empty string as options\.dispatchUid/,
      });
    });
  });
});
