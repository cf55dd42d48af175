/*
 * A misspelt option is never silent: it is named in a warning, through the
 * instrumentation's diag logger, or on console.warn while none is registered.
 */
import * as assert from 'node:assert/strict';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import * as sinon from 'sinon';
import { RequestSignalsInstrumentation } from '../src';
import type { RequestSignalsInstrumentationConfig } from '../src';

const WITH_TYPO = { enabled: false, ignoreIncomingRequests: '/health' } as RequestSignalsInstrumentationConfig;

describe('unknown options', () => {
  let consoleWarn: sinon.SinonStub;
  beforeEach(() => (consoleWarn = sinon.stub(console, 'warn')));
  afterEach(() => {
    sinon.restore();
    diag.disable();
  });

  function registerDiag(): sinon.SinonSpy {
    const warn = sinon.spy();
    const noop = () => undefined;
    diag.setLogger(
      { warn, error: noop, info: noop, debug: noop, verbose: noop },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true }
    );
    return warn;
  }

  it('names a misspelt option given to the constructor, through diag', () => {
    const warn = registerDiag();
    new RequestSignalsInstrumentation(WITH_TYPO);
    sinon.assert.calledOnceWithMatch(
      warn,
      'otel-request-signals',
      /ignoring unknown option\(s\) ignoreIncomingRequests/
    );
    sinon.assert.notCalled(consoleWarn);
  });

  it("names one given to setConfig(), under the instrumentation's name", () => {
    const warn = registerDiag();
    const instrumentation = new RequestSignalsInstrumentation({ enabled: false });
    instrumentation.setConfig({
      maxAttributeValueLenght: 100,
      trustProxyHeaders: false,
    } as RequestSignalsInstrumentationConfig);
    sinon.assert.calledOnceWithMatch(warn, 'otel-request-signals', /unknown option\(s\) maxAttributeValueLenght;/);
  });

  it('prints it on console.warn while no diag logger is registered', () => {
    new RequestSignalsInstrumentation(WITH_TYPO);
    sinon.assert.calledOnceWithMatch(
      consoleWarn,
      /otel-request-signals: ignoring unknown option\(s\) ignoreIncomingRequests/
    );
  });

  it('says nothing of the options it knows, set or undefined', () => {
    const warn = registerDiag();
    new RequestSignalsInstrumentation({
      enabled: false,
      ignoreIncomingRequest: '/health',
      signalsForIgnored: undefined,
      trustProxyHeaders: true,
      maxAttributeValueLength: 100,
    });
    sinon.assert.notCalled(warn);
    sinon.assert.notCalled(consoleWarn);
  });

  it('still refuses a bad value of a known option, naming the position only in a list', () => {
    assert.throws(() => new RequestSignalsInstrumentation({ enabled: false, ignoreIncomingRequest: 5 as never }), {
      name: 'TypeError',
      message: 'ignoreIncomingRequest expects a function, a path string or a RegExp, got the number 5',
    });
    assert.throws(
      () => new RequestSignalsInstrumentation({ enabled: false, ignoreIncomingRequest: ['/a', 5 as never] }),
      {
        name: 'TypeError',
        message: 'ignoreIncomingRequest expects a function, a path string or a RegExp, got the number 5 at position 1',
      }
    );
  });
});
