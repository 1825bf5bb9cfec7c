import { afterEach, beforeEach } from '@jest/globals';
import { captureLogs, type CapturedLogs } from '@imgrec/shared/testing';

/**
 * For the tests of a describe block: captures every log line each test writes, which keeps the output quiet and lets
 * the test read the lines. Returns the current test's capture (tests only).
 */
export const logsPerTest = (): (() => CapturedLogs) => {
  let captured: CapturedLogs | undefined;
  beforeEach(() => {
    captured = captureLogs();
  });
  afterEach(() => captured?.restore());
  return () => {
    if (!captured) throw new Error('logs are captured inside a test only');
    return captured;
  };
};
