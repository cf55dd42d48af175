import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { FIXTURES } from './utils/server';

/* In a child process: whether a diag logger is registered is process-wide. */
describe('a failing receiver is never silent', () => {
  let report: { consoleCalls: string[]; diagCalls: string[] };
  before(() => {
    const output = execFileSync(process.execPath, [path.join(FIXTURES, 'receiver-failure-console.js')], {
      cwd: FIXTURES,
      encoding: 'utf8',
    });
    report = JSON.parse(output) as typeof report;
  });

  it('goes to console.error, naming the receiver, while no diag logger is registered', () => {
    assert.equal(report.consoleCalls.length, 2);
    for (const call of report.consoleCalls) {
      assert.match(
        call,
        /^otel-request-signals: Error calling failingReceiver in Signal\.sendRobust\(\) \(Error: receiver failed\)/
      );
    }
  });

  it('goes to diag alone once a logger is registered', () => {
    assert.equal(report.diagCalls.length, 1);
    assert.match(report.diagCalls[0], /Error calling failingReceiver/);
  });
});
