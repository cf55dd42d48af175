import * as assert from 'node:assert/strict';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import * as sinon from 'sinon';
import { RequestSignalsInstrumentation, requestStarted } from '../src';
import { request } from './utils/client';
import { instrumentation, useConfigurableInstrumentation } from './utils/instrumentation';
import { connectForTest } from './utils/receivers';
import { useServer } from './utils/server';
import { waitForSpans } from './utils/tracing';

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a receiver that blocks, as the seed's first best practice warns
  }
}

describe('slowReceiverThresholdMs', () => {
  useConfigurableInstrumentation();
  const startServer = useServer();
  let warn: sinon.SinonSpy;
  beforeEach(() => {
    warn = sinon.spy();
    diag.setLogger(
      { error: () => {}, warn, info: () => {}, debug: () => {}, verbose: () => {} },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true }
    );
  });
  afterEach(() => diag.disable());

  async function twoRequests(): Promise<void> {
    const { port } = await startServer((_req, res) => res.end());
    await request(port);
    await request(port);
    await waitForSpans(2);
  }

  it('warns once per slow receiver, naming it and its time', async () => {
    instrumentation.setConfig({ slowReceiverThresholdMs: 5 });
    instrumentation.enable();
    connectForTest(requestStarted, function sluggishReceiver() {
      blockFor(15);
    });
    await twoRequests();
    // diag's component logger passes its namespace first, then the message.
    const messages = warn.getCalls().map(call => call.args.join(' '));
    const aboutIt = messages.filter(message => message.includes('sluggishReceiver'));
    assert.equal(aboutIt.length, 1);
    assert.match(aboutIt[0], /took \d+\.\d ms/);
  });

  it('says nothing about a receiver under the threshold', async () => {
    instrumentation.setConfig({ slowReceiverThresholdMs: 1000 });
    instrumentation.enable();
    connectForTest(requestStarted, function quickReceiver() {});
    await twoRequests();
    assert.equal(warn.callCount, 0);
  });

  it('measures nothing when no threshold is set', async () => {
    instrumentation.enable();
    connectForTest(requestStarted, function sluggishReceiver() {
      blockFor(15);
    });
    await twoRequests();
    assert.equal(warn.callCount, 0);
  });

  it('rejects a threshold that is not a non-negative number', () => {
    assert.throws(
      () => new RequestSignalsInstrumentation({ slowReceiverThresholdMs: '5' as unknown as number }),
      (error: unknown) =>
        error instanceof TypeError && /slowReceiverThresholdMs must be a non-negative number/.test(error.message)
    );
  });
});
