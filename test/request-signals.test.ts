/*
 * The three request signals and the process-global registry that lets two
 * copies of this package share them.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as packageIndex from '../src';
import * as requestSignals from '../src/signals/request-signals';
import { gotRequestException, requestFinished, requestStarted } from '../src/signals/request-signals';
import { receiver } from '../src/signals/receiver';
import { Signal } from '../src/signals/signal';

type RequestSignalsModule = typeof requestSignals;
type ReceiverModule = typeof import('../src/signals/receiver');
type SignalModule = typeof import('../src/signals/signal');

// This file runs from build/test; the modules under test are in build/src.
const buildSrc = path.resolve(__dirname, '..', 'src');
const REGISTRY_KEY = Symbol.for('otel-request-signals.request-signals.v1');

const SIGNAL_NAMES = ['requestStarted', 'requestFinished', 'gotRequestException'] as const;

interface SecondCopy {
  requestSignals: RequestSignalsModule;
  receiver: ReceiverModule;
  signal: SignalModule;
}

/**
 * Loads build/src a second time, as a second installed copy of the package
 * would be, and puts the first copy's modules back into the cache afterwards.
 */
function loadSecondCopy(): SecondCopy {
  const inBuildSrc = (file: string) => file.startsWith(buildSrc + path.sep);
  const firstCopy = new Map<string, NodeJS.Module>();
  for (const [file, mod] of Object.entries(require.cache)) {
    if (inBuildSrc(file) && mod !== undefined) {
      firstCopy.set(file, mod);
      delete require.cache[file];
    }
  }
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- a fresh copy, loaded while the first is out of the cache */
    return {
      requestSignals: require(path.join(buildSrc, 'signals', 'request-signals.js')) as RequestSignalsModule,
      receiver: require(path.join(buildSrc, 'signals', 'receiver.js')) as ReceiverModule,
      signal: require(path.join(buildSrc, 'signals', 'signal.js')) as SignalModule,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  } finally {
    for (const file of Object.keys(require.cache)) {
      if (inBuildSrc(file)) delete require.cache[file];
    }
    for (const [file, mod] of firstCopy) require.cache[file] = mod;
  }
}

describe('request signals', () => {
  afterEach(() => {
    sinon.restore();
  });

  for (const name of SIGNAL_NAMES) {
    it(`exports ${name} as a Signal`, () => {
      assert.ok(requestSignals[name] instanceof Signal);
    });
  }

  it('exports three distinct signals', () => {
    assert.equal(new Set([requestStarted, requestFinished, gotRequestException]).size, 3);
  });

  it('keeps the signals under the versioned global key every copy looks up', () => {
    const registry = (globalThis as Record<symbol, Record<string, unknown>>)[REGISTRY_KEY];
    assert.deepEqual(
      SIGNAL_NAMES.filter(name => registry[name] === requestSignals[name]),
      SIGNAL_NAMES
    );
  });

  for (const name of SIGNAL_NAMES) {
    it(`re-exports the same ${name} from the package index`, () => {
      assert.equal(packageIndex[name], requestSignals[name]);
    });
  }

  describe('a second copy of the package', () => {
    let second: SecondCopy;

    before(() => {
      second = loadSecondCopy();
    });

    it('really is a second copy, with its own Signal class', () => {
      assert.notEqual(second.signal.Signal, Signal);
    });

    it('leaves the first copy in the module cache', () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- what the module cache holds now
      assert.equal((require(path.join(buildSrc, 'signals', 'signal.js')) as SignalModule).Signal, Signal);
    });

    for (const name of SIGNAL_NAMES) {
      it(`shares the same ${name} instance`, () => {
        assert.equal(second.requestSignals[name], requestSignals[name]);
      });
    }

    it('lets a receiver connected through it hear a send through the first copy', () => {
      const spy = sinon.spy();
      second.requestSignals.requestFinished.connect(spy);
      try {
        requestSignals.requestFinished.send(bad(undefined), bad({}));
      } finally {
        second.requestSignals.requestFinished.disconnect(spy);
      }
      sinon.assert.calledOnce(spy);
    });

    it("connects with its receiver() to the first copy's Signal instances", () => {
      const mine = new Signal();
      const fn = sinon.spy();
      second.receiver.receiver(mine)(fn);
      mine.send(undefined);
      sinon.assert.calledOnce(fn);
    });

    it("lets the first copy's receiver() connect to its own Signal instances", () => {
      const foreign = new second.signal.Signal();
      const fn = sinon.spy();
      receiver(foreign)(fn);
      foreign.send(undefined);
      sinon.assert.calledOnce(fn);
    });
  });
});

/** Casts a deliberately partial value past the type checker. */
function bad<T>(value: unknown): T {
  return value as T;
}
