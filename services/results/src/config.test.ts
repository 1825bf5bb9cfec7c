import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@imgrec/shared';
import { resultsConfigFromEnv } from './config.js';

describe('resultsConfigFromEnv', () => {
  it('needs no setting in local mode, the default', () => {
    expect(resultsConfigFromEnv({})).toStrictEqual({ mode: 'local' });
  });

  it('reads the results table in aws mode', () => {
    expect(resultsConfigFromEnv({ IMGREC_MODE: 'aws', IMGREC_RESULTS_TABLE: 'imgrec-dev-ResultsTable' })).toStrictEqual(
      {
        mode: 'aws',
        tableName: 'imgrec-dev-ResultsTable',
      },
    );
  });

  it.each([
    ['a missing table in aws mode', { IMGREC_MODE: 'aws' }, 'IMGREC_RESULTS_TABLE'],
    ['an unknown mode', { IMGREC_MODE: 'cloud' }, 'IMGREC_MODE'],
  ])('refuses %s, naming the setting', (_case, env, name) => {
    expect(() => resultsConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => resultsConfigFromEnv(env)).toThrow(name);
  });
});
