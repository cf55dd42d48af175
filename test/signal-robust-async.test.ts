/*
 * sendRobust() with receivers that return promises. Django's sync
 * send_robust runs async receivers to completion (async_to_sync); we cannot
 * block, so an async receiver's place in the list holds a promise of what
 * Django would put there: its value, or its error. That promise never
 * rejects, and a rejection is reported through diag.error exactly like a
 * throw: robust means nothing is left to reject unhandled.
 */
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { Receiver, Signal } from '../src/signals/signal';
import { DiagSpy, spyOnDiag } from './utils/diag-spy';
import { nextMacrotask } from './utils/macrotask';

type TestReceiver = Receiver<Record<string, unknown>, unknown>;

/** Runs `send` and collects what reaches 'unhandledRejection' once everything has settled. */
async function unhandledDuring(send: () => unknown): Promise<unknown[]> {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await Promise.allSettled([send()].flat());
    await nextMacrotask();
    await nextMacrotask();
  } finally {
    process.off('unhandledRejection', listener);
  }
  return reasons;
}

describe('sendRobust() and receivers that return promises', () => {
  let signal: Signal<Record<string, unknown>, unknown>;
  let diagSpy: DiagSpy;
  const sender = { name: 'sender' };
  const error = new Error('rejected');

  async function failing(): Promise<never> {
    throw error;
  }

  beforeEach(() => {
    signal = new Signal();
    diagSpy = spyOnDiag();
  });

  afterEach(() => diagSpy.restore());

  it('leaves no unhandled rejection when an async receiver rejects', async () => {
    signal.connect(failing);
    assert.deepEqual(await unhandledDuring(() => signal.sendRobust(sender)), []);
  });

  it('reports the rejection through diag.error like a throw', async () => {
    signal.connect(failing);
    const [[, response]] = signal.sendRobust(sender);
    await response;
    sinon.assert.calledOnceWithExactly(
      diagSpy.error,
      'Error calling failing in Signal.sendRobust() (Error: rejected)',
      error
    );
  });

  it('holds a promise that resolves to the error in place of the response', async () => {
    signal.connect(failing);
    const [[receiver, response]] = signal.sendRobust(sender);
    assert.equal(receiver, failing);
    assert.ok(response instanceof Promise);
    assert.equal(await response, error);
  });

  it('holds a promise that resolves to the value when the receiver fulfils', async () => {
    signal.connect(async () => 'value');
    const [[, response]] = signal.sendRobust(sender);
    assert.equal(await response, 'value');
    sinon.assert.notCalled(diagSpy.error);
  });

  it('lists the async receivers after the sync ones, as it calls them', () => {
    const sync: TestReceiver = () => 'sync';
    signal.connect(failing);
    signal.connect(sync);
    assert.deepEqual(
      signal.sendRobust(sender).map(([r]) => r),
      [sync, failing]
    );
  });

  it('handles the rejecting promise of a plain function the same way', async () => {
    const plain: TestReceiver = function plain() {
      return Promise.reject(error);
    };
    signal.connect(plain);
    let response: unknown;
    assert.deepEqual(await unhandledDuring(() => ([[, response]] = signal.sendRobust(sender))), []);
    assert.equal(await response, error);
    sinon.assert.calledOnceWithMatch(diagSpy.error, 'Error calling plain in Signal.sendRobust() (Error: rejected)');
  });

  it('reports a thenable that is not a promise and rejects', async () => {
    const thenable = { then: (_resolve: unknown, reject: (e: unknown) => void) => reject(error) };
    const returnsThenable: TestReceiver = () => thenable;
    signal.connect(returnsThenable);
    const [[, response]] = signal.sendRobust(sender);
    assert.equal(await response, error);
    sinon.assert.calledOnce(diagSpy.error);
  });

  it('treats a response whose `then` getter throws like a throw', () => {
    const getterError = new Error('then getter');
    const hostile: TestReceiver = () => ({
      get then(): never {
        throw getterError;
      },
    });
    signal.connect(hostile);
    assert.deepEqual(signal.sendRobust(sender), [[hostile, getterError]]);
    sinon.assert.calledOnceWithMatch(
      diagSpy.error,
      'Error calling hostile in Signal.sendRobust() (Error: then getter)'
    );
  });

  it('calls the receivers after a rejecting one', async () => {
    const later = sinon.spy();
    signal.connect(failing);
    signal.connect(async () => later());
    await Promise.all(signal.sendRobust(sender).map(([, response]) => response));
    sinon.assert.calledOnce(later);
  });
});
