import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@imgrec/shared';
import { resultsConfigFromEnv } from './config.js';

/** What serverless.yml sets for the functions on AWS. */
const AWS_ENV = {
  IMGREC_MODE: 'aws',
  IMGREC_RESULTS_TABLE: 'imgrec-dev-ResultsTable',
  IMGREC_CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CursorSigningSecret-AbCdEf',
  IMGREC_RECORD_RETENTION_DAYS: '90',
};

describe('resultsConfigFromEnv', () => {
  it('needs no setting in local mode, the default, and keeps records 90 days', () => {
    expect(resultsConfigFromEnv({})).toStrictEqual({ mode: 'local', recordRetentionDays: 90 });
  });

  it('reads the results table, the cursor secret and the record retention in aws mode', () => {
    expect(resultsConfigFromEnv({ ...AWS_ENV, IMGREC_RECORD_RETENTION_DAYS: '30' })).toStrictEqual({
      mode: 'aws',
      tableName: 'imgrec-dev-ResultsTable',
      cursorSecretArn: AWS_ENV.IMGREC_CURSOR_SECRET_ARN,
      recordRetentionDays: 30,
    });
  });

  it('takes a fraction of a day as the record retention', () => {
    expect(resultsConfigFromEnv({ IMGREC_RECORD_RETENTION_DAYS: '0.0001' })).toStrictEqual({
      mode: 'local',
      recordRetentionDays: 0.0001,
    });
  });

  it.each([
    ['a missing table in aws mode', { ...AWS_ENV, IMGREC_RESULTS_TABLE: undefined }, 'IMGREC_RESULTS_TABLE'],
    [
      'a missing cursor secret in aws mode',
      { ...AWS_ENV, IMGREC_CURSOR_SECRET_ARN: undefined },
      'IMGREC_CURSOR_SECRET_ARN',
    ],
    ['a record retention of zero days', { IMGREC_RECORD_RETENTION_DAYS: '0' }, 'IMGREC_RECORD_RETENTION_DAYS'],
    ['a record retention that is no number', { IMGREC_RECORD_RETENTION_DAYS: '90d' }, 'IMGREC_RECORD_RETENTION_DAYS'],
    ['an unknown mode', { IMGREC_MODE: 'cloud' }, 'IMGREC_MODE'],
  ])('refuses %s, naming the setting', (_case, env, name) => {
    expect(() => resultsConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => resultsConfigFromEnv(env)).toThrow(name);
  });
});
