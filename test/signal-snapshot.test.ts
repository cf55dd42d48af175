/*
 * A send works on a snapshot of the receivers, and useCaching: true hears
 * every connect and disconnect, for object, primitive and absent senders.
 */
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { Receiver, Signal } from '../src/signals/signal';

type Kwargs = { val?: unknown };
type TestReceiver = Receiver<Kwargs, unknown>;

const receiver1Arg: TestReceiver = (_sender, { val }) => val;
const receiver1ArgAsync: TestReceiver = async (_sender, { val }) => val;

describe('Signal snapshots and caching', () => {
  let signal: Signal<Kwargs, unknown>;
  const sender = { name: 'sender' };
  const otherSender = { name: 'other sender' };

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
      assert.deepEqual(
        signal.send(otherSender).map(([r]) => r),
        [receiver1ArgAsync]
      );
    });
  });

  describe('a send works on a snapshot, for a receiver connected for the sender', () => {
    it('still calls a sender receiver that an any-sender receiver disconnects during the send', () => {
      signal = new Signal<Kwargs, unknown>();
      const victim = sinon.spy();
      signal.connect(() => signal.disconnect(victim, { sender }));
      signal.connect(victim, { sender });
      signal.send(sender);
      sinon.assert.calledOnce(victim);
      assert.equal(signal.hasListeners(sender), true); // the any-sender receiver
      assert.deepEqual(signal.send(sender).length, 1);
    });

    it('does not call, in that send, an any-sender receiver connected during it', () => {
      signal = new Signal<Kwargs, unknown>();
      const latecomer = sinon.spy();
      signal.connect(() => signal.connect(latecomer), { sender });
      signal.send(sender);
      sinon.assert.notCalled(latecomer);
      signal.send(sender);
      sinon.assert.calledOnce(latecomer);
    });
  });
});
