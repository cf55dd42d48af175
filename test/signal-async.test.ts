/*
 * asend() and asendRobust(), and which receivers are async. As in Django
 * (dispatcher.py), every send calls the sync receivers first, then the async
 * ones, each group in connection order; asend awaits all responses together
 * (asyncio.gather), and its list follows the calling order. A receiver is
 * async when it is an `async` function (Django: iscoroutinefunction),
 * decided at connect.
 */
import * as assert from 'node:assert/strict';
import { diag } from '@opentelemetry/api';
import * as sinon from 'sinon';
import { Receiver, Signal } from '../src/signals/signal';
import { DiagSpy, spyOnDiag } from './utils/diag-spy';
import { nextMacrotask } from './utils/macrotask';

type Kwargs = { val?: unknown };
type TestReceiver = Receiver<Kwargs, unknown>;

const receiver1Arg: TestReceiver = (_sender, { val }) => val;
const receiver1ArgAsync: TestReceiver = async (_sender, { val }) => val;

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(res => (resolve = res));
  return { promise, resolve };
}

/** A receiver that records its name when called, and answers with it. */
function recording(calls: string[], name: string, kind: 'sync' | 'async'): TestReceiver {
  return kind === 'async' ? async () => (calls.push(name), name) : () => (calls.push(name), name);
}

describe('Signal async sends', () => {
  let signal: Signal<Kwargs, unknown>;
  const sender = { name: 'sender' };
  const otherSender = { name: 'other sender' };

  beforeEach(() => {
    signal = new Signal<Kwargs, unknown>();
  });

  afterEach(() => sinon.restore());

  describe('which receivers are async', () => {
    const calledOrder = (receivers: TestReceiver[]): string[] => {
      receivers.forEach(r => signal.connect(r));
      return signal.send(sender).map(([, response]) => (typeof response === 'string' ? response : 'promise'));
    };

    it('an async function is called after the sync receivers connected after it', () => {
      const calls: string[] = [];
      calledOrder([recording(calls, 'async', 'async'), recording(calls, 'sync', 'sync')]);
      assert.deepEqual(calls, ['sync', 'async']);
    });

    it('an async method, and a bound async function, are async', () => {
      const calls: string[] = [];
      const shop = {
        async method() {
          calls.push('method');
        },
      };
      const bound = shop.method.bind(shop);
      // eslint-disable-next-line @typescript-eslint/unbound-method -- on purpose: the method itself, unbound (it does not use `this`)
      calledOrder([shop.method, bound, recording(calls, 'sync', 'sync')]);
      assert.deepEqual(calls, ['sync', 'method', 'method']);
    });

    it('a plain function that returns a promise is a sync receiver', () => {
      const calls: string[] = [];
      calledOrder([() => (calls.push('returns a promise'), Promise.resolve()), recording(calls, 'sync', 'sync')]);
      assert.deepEqual(calls, ['returns a promise', 'sync']);
    });

    it('an async generator function is a sync receiver', () => {
      // Calling one runs none of its body, so the order shows in the responses.
      const generator = async function* () {
        yield 'never started';
      } as unknown as TestReceiver;
      const sync: TestReceiver = () => 'sync';
      signal.connect(generator);
      signal.connect(sync);
      assert.deepEqual(
        signal.send(sender).map(([r]) => r),
        [generator, sync]
      );
    });

    it('keeps the order across receivers for the sender and for any sender', () => {
      const calls: string[] = [];
      signal.connect(recording(calls, 'async for any', 'async'));
      signal.connect(recording(calls, 'async for the sender', 'async'), { sender });
      signal.connect(recording(calls, 'sync for the sender', 'sync'), { sender });
      signal.connect(recording(calls, 'sync for any', 'sync'));
      signal.send(sender);
      assert.deepEqual(calls, ['sync for the sender', 'sync for any', 'async for any', 'async for the sender']);
    });

    it('sendRobust() calls the sync receivers first too', () => {
      const calls: string[] = [];
      signal.connect(recording(calls, 'async', 'async'));
      signal.connect(recording(calls, 'sync', 'sync'));
      signal.sendRobust(sender);
      assert.deepEqual(calls, ['sync', 'async']);
    });

    it("the instrumentation's dispatch calls the sync receivers first too", () => {
      const calls: string[] = [];
      signal.connect(recording(calls, 'async', 'async'));
      signal.connect(recording(calls, 'sync', 'sync'));
      signal._notifyRobust(sender, { signal }, { where: 'a test', logger: diag });
      assert.deepEqual(calls, ['sync', 'async']);
    });
  });

  describe('asend() order, as in Django', () => {
    it('calls every sync receiver before any async one, whatever the connection order', async () => {
      const calls: string[] = [];
      signal.connect(recording(calls, 'async 1', 'async'));
      signal.connect(recording(calls, 'sync 1', 'sync'));
      signal.connect(recording(calls, 'async 2', 'async'));
      signal.connect(recording(calls, 'sync 2', 'sync'));
      const responses = await signal.asend(sender);
      assert.deepEqual(calls, ['sync 1', 'sync 2', 'async 1', 'async 2']);
      assert.deepEqual(
        responses.map(([, response]) => response),
        calls
      );
    });

    it('rejects with the first failing sync receiver, and calls no later receiver, sync or async', async () => {
      const error = new Error('thrown');
      const calls: string[] = [];
      signal.connect(recording(calls, 'async', 'async'));
      signal.connect(recording(calls, 'sync before', 'sync'));
      signal.connect(() => {
        throw error;
      });
      signal.connect(recording(calls, 'sync after', 'sync'));
      await assert.rejects(signal.asend(sender), error);
      assert.deepEqual(calls, ['sync before']);
    });

    it('calls every async receiver before any of them settles', async () => {
      const gate = deferred<string>();
      const second = sinon.spy(async () => 'second');
      signal.connect(async () => gate.promise);
      signal.connect(second);
      const sending = signal.asend(sender);
      const secondCalledBeforeFirstSettled = second.called;
      gate.resolve('first');
      await sending;
      assert.equal(secondCalledBeforeFirstSettled, true);
    });

    it('still calls the other async receivers when one rejects', async () => {
      const later = sinon.spy(async () => 'later');
      signal.connect(async () => {
        throw new Error('rejected');
      });
      signal.connect(later);
      await assert.rejects(signal.asend(sender), /rejected/);
      sinon.assert.calledOnce(later);
    });

    it('awaits a promise that a sync receiver returns, in its sync place', async () => {
      const plain: TestReceiver = () => Promise.resolve('awaited');
      signal.connect(receiver1ArgAsync);
      signal.connect(plain);
      assert.deepEqual(await signal.asend(sender, { val: 'async' }), [
        [plain, 'awaited'],
        [receiver1ArgAsync, 'async'],
      ]);
    });
  });

  describe('asendRobust() order, as in Django', () => {
    let diagSpy: DiagSpy;

    beforeEach(() => {
      diagSpy = spyOnDiag();
    });

    afterEach(() => diagSpy.restore());

    it('calls every receiver, sync ones first, and lists errors in their places', async () => {
      const thrown = new Error('thrown');
      const rejected = new Error('rejected');
      const calls: string[] = [];
      const failingAsync: TestReceiver = async () => {
        calls.push('failing async');
        throw rejected;
      };
      const failingSync: TestReceiver = () => {
        calls.push('failing sync');
        throw thrown;
      };
      const lastSync = recording(calls, 'last sync', 'sync');
      signal.connect(failingAsync);
      signal.connect(failingSync);
      signal.connect(lastSync);
      assert.deepEqual(await signal.asendRobust(sender), [
        [failingSync, thrown],
        [lastSync, 'last sync'],
        [failingAsync, rejected],
      ]);
      assert.deepEqual(calls, ['failing sync', 'last sync', 'failing async']);
      sinon.assert.calledTwice(diagSpy.error);
    });

    it('reports the rejected promise of a sync receiver and puts its error in place', async () => {
      const error = new Error('rejected');
      const plain: TestReceiver = function plain() {
        return Promise.reject(error);
      };
      signal.connect(plain);
      assert.deepEqual(await signal.asendRobust(sender), [[plain, error]]);
      sinon.assert.calledOnceWithExactly(
        diagSpy.error,
        'Error calling plain in Signal.asendRobust() (Error: rejected)',
        error
      );
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

    it('leaves no rejection unhandled when a sync receiver returns a rejecting promise and a later one throws', async () => {
      const unhandled = sinon.spy();
      process.on('unhandledRejection', unhandled);
      try {
        signal.connect(() => Promise.reject(new Error('rejected')));
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
});
