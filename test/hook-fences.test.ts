import * as assert from 'node:assert/strict';
import * as http from 'http';
import { requestFinished } from '../src';
import type { RequestSignalsInstrumentationConfig } from '../src';
import { request } from './utils/client';
import { DiagSpy, spyOnDiag } from './utils/diag-spy';
import { instrumentation, useConfigurableInstrumentation } from './utils/instrumentation';
import { record } from './utils/receivers';
import { useServer } from './utils/server';
import { waitForSpans } from './utils/tracing';

const hostile = {
  toString() {
    throw new Error('toString');
  },
  get [Symbol.toStringTag](): string {
    throw new Error('toStringTag');
  },
};

/* Values that are easy to lose: falsy, or impossible to describe. */
const THROWN: Array<[string, unknown]> = [
  ['null', null],
  ['undefined', undefined],
  ['0', 0],
  ['an empty string', ''],
  ['false', false],
  ['a value nothing can describe', hostile],
];

type HookName = 'startIncomingSpanHook' | 'requestHook' | 'responseHook' | 'spanNameHook' | 'ignoreIncomingRequest';

function throwing(name: HookName, value: unknown): RequestSignalsInstrumentationConfig {
  const fail = () => {
    throw value;
  };
  return { [name]: fail };
}

describe('user functions are fenced, whatever they throw', () => {
  useConfigurableInstrumentation();
  const startServer = useServer();
  let diagSpy: DiagSpy;
  beforeEach(() => (diagSpy = spyOnDiag()));
  afterEach(() => diagSpy.restore());

  for (const name of [
    'startIncomingSpanHook',
    'requestHook',
    'responseHook',
    'spanNameHook',
    'ignoreIncomingRequest',
  ] as const) {
    for (const [label, value] of THROWN) {
      it(`${name} throwing ${label}: reported through diag by name, the request answered and traced`, async () => {
        instrumentation.setConfig(throwing(name, value));
        instrumentation.enable();
        const finished = record(requestFinished);
        const listener: http.RequestListener = (_req, res) => res.end('ok');
        const { port } = await startServer(listener);
        const response = await request(port);
        await waitForSpans(1);
        assert.equal(response.status, 200);
        assert.equal(finished.length, 1);
        // The instrumentation's component logger puts its namespace first: (namespace, message, thrown).
        const reports = diagSpy.error
          .getCalls()
          .filter(call => typeof call.args[1] === 'string' && call.args[1].startsWith(name));
        assert.equal(
          reports.length,
          1,
          `diag.error messages: ${diagSpy.error
            .getCalls()
            .map((call): unknown => call.args[1])
            .join(' | ')}`
        );
        assert.ok(Object.is(reports[0].args[2], value), 'the thrown value is passed to diag as it was thrown');
      });
    }
  }
});
