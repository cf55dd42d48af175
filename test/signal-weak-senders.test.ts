/*
 * A receiver connected for a sender does not keep the sender alive (Django's
 * test_garbage_collected_sender): senders that are objects are held weakly,
 * and their registrations go when they are collected.
 *
 * The scenarios need --expose-gc, so they run in a child process
 * (test/fixtures/signal-weak-senders.js) that prints what each observed as JSON.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

// This file runs from build/test; the fixture is not compiled.
const packageRoot = path.resolve(__dirname, '../..');
const fixture = path.join(packageRoot, 'test', 'fixtures', 'signal-weak-senders.js');

describe('Signal and collected senders', () => {
  let observed: Record<string, unknown>;

  before(function () {
    this.timeout(60_000);
    const output = execFileSync(process.execPath, ['--expose-gc', fixture], { cwd: packageRoot, encoding: 'utf8' });
    observed = JSON.parse(output) as Record<string, unknown>;
  });

  it('does not keep alive the sender of a strong receiver', () => {
    assert.equal(observed.senderOfStrongReceiverIsCollected, true);
  });

  it('does not keep alive a sender that its own receiver references', () => {
    assert.equal(observed.senderReferencedByItsOwnReceiverIsCollected, true);
  });

  it('does not keep alive the sender of a weak receiver', () => {
    assert.equal(observed.senderOfWeakReceiverIsCollected, true);
  });

  it('does not keep alive a class used as sender', () => {
    assert.equal(observed.classSenderIsCollected, true);
  });

  it('does not keep alive a sender with useCaching: true', () => {
    assert.equal(observed.senderIsCollectedWithUseCaching, true);
  });

  it('drops the registration, and so the receiver, with its sender', () => {
    assert.equal(observed.registrationGoesWithItsSender, true);
  });

  it('keeps the receivers of a sender that is still referenced', () => {
    assert.deepEqual(observed.liveSenderKeepsItsReceiver, { responses: ['kept'], hasListeners: true });
  });

  it("keeps other senders' receivers, in connection order, when one sender is collected", () => {
    assert.deepEqual(observed.otherSendersKeepTheirReceivers, {
      collected: true,
      responses: ['any sender', 'survivor', 'survivor, later'],
    });
  });

  it('keeps the receivers of a primitive sender, which cannot be collected', () => {
    assert.deepEqual(observed.primitiveSenderKeepsItsReceiver, ['primitive']);
  });

  it('(control) the fixture tells a still-referenced sender apart', () => {
    assert.equal(observed.controlReferencedSenderIsNotCollected, false);
  });
});
