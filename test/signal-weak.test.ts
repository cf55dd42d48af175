/*
 * Garbage collection and Signal: weak receivers go away with their function,
 * strong ones stay, and the per-sender cache never keeps a sender alive.
 * Ported from Django's test_garbage_collected, test_disconnection,
 * test_multiple_registration and test_cached_garbaged_collected.
 *
 * The scenarios need --expose-gc, so they run in a child process
 * (test/fixtures/signal-weak.js) that prints what each observed as JSON.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

// This file runs from build/test; the fixture is not compiled.
const packageRoot = path.resolve(__dirname, '../..');
const fixture = path.join(packageRoot, 'test', 'fixtures', 'signal-weak.js');

describe('Signal and garbage collection', () => {
  let observed: Record<string, unknown>;

  before(() => {
    const output = execFileSync(process.execPath, ['--expose-gc', fixture], {
      cwd: packageRoot,
      encoding: 'utf8',
    });
    observed = JSON.parse(output) as Record<string, unknown>;
  });

  describe('a receiver connected with weak: true', () => {
    it('can be garbage collected once nothing else references it', () => {
      assert.equal(observed.weakReceiverIsCollected, true);
    });

    it('is still called while something references it', () => {
      assert.deepEqual(observed.weakReceiverIsCalledWhileReferenced, ['alive']);
    });

    it('is not called by send() once collected', () => {
      assert.deepEqual(observed.sendSkipsCollected, []);
    });

    it('is not called by sendRobust() once collected', () => {
      assert.deepEqual(observed.sendRobustSkipsCollected, []);
    });

    it('is not called by asend() once collected', () => {
      assert.deepEqual(observed.asendSkipsCollected, []);
    });

    it('is not called by asendRobust() once collected', () => {
      assert.deepEqual(observed.asendRobustSkipsCollected, []);
    });

    it('leaves the receivers around it in place once collected', () => {
      assert.deepEqual(observed.sendKeepsLiveReceiversAroundCollected, ['first', 'last']);
    });

    it('no longer counts for hasListeners() once collected', () => {
      assert.equal(observed.hasListenersAfterCollection, false);
    });

    it('has its registration removed once finalized', () => {
      assert.equal(observed.registrationIsRemoved, true);
    });

    it('connected several times is removed entirely once finalized', () => {
      assert.equal(observed.multipleWeakRegistrationIsRemoved, true);
    });

    it('frees its dispatchUid as soon as it is collected, before finalization', () => {
      assert.deepEqual(observed.dispatchUidIsFreeOnceCollected, ['second']);
    });

    it('frees its dispatchUid once finalized', () => {
      assert.deepEqual(observed.dispatchUidIsFreeOnceFinalized, ['second']);
    });
  });

  describe('disconnection around a collected receiver', () => {
    it('leaves no listeners once the others are disconnected', () => {
      assert.equal(observed.disconnectionLeavesNoListeners, false);
    });

    it('still reports that a live receiver was disconnected', () => {
      assert.equal(observed.disconnectAfterCollectionReturns, true);
    });
  });

  describe('a receiver connected without weak (the default)', () => {
    it('is kept alive by the signal', () => {
      assert.equal(observed.strongReceiverIsKeptAlive, true);
    });

    it('is still called after garbage collection', () => {
      assert.deepEqual(observed.strongReceiverIsStillCalled, ['strong']);
    });
  });

  describe('useCaching: true', () => {
    it('does not call a cached weak receiver once collected', () => {
      assert.deepEqual(observed.cachedWeakReceiverIsNotCalledOnceCollected, []);
    });

    it('drops a finalized weak receiver from the cached list', () => {
      assert.equal(observed.cachedRegistrationIsRemoved, true);
    });

    it('does not keep a sender alive', () => {
      assert.equal(observed.cachedSenderIsCollected, true);
    });

    it('does not keep a sender alive when its list was filtered by sender', () => {
      assert.equal(observed.cachedSenderIsCollectedWithSenderFilteredReceivers, true);
    });

    it('(control) the fixture tells a still-referenced sender apart', () => {
      assert.equal(observed.controlReferencedSenderIsNotCollected, false);
    });
  });
});
