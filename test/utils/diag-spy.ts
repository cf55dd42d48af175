import { diag, DiagLogLevel } from '@opentelemetry/api';
import * as sinon from 'sinon';

/** Sinon spies standing in for every method of the global OpenTelemetry diag logger. */
export interface DiagSpy {
  error: sinon.SinonSpy;
  warn: sinon.SinonSpy;
  info: sinon.SinonSpy;
  debug: sinon.SinonSpy;
  verbose: sinon.SinonSpy;
  /** Unregisters the spy logger (the API has no getter for a previous logger). */
  restore(): void;
}

/** Installs a spy logger at level ALL as the global `diag` logger. */
export function spyOnDiag(): DiagSpy {
  const logger = {
    error: sinon.spy(),
    warn: sinon.spy(),
    info: sinon.spy(),
    debug: sinon.spy(),
    verbose: sinon.spy(),
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  return { ...logger, restore: () => diag.disable() };
}
