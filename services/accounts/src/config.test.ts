import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@imgrec/shared';
import { accountsConfigFromEnv } from './config.js';

describe('accountsConfigFromEnv', () => {
  it('needs no setting in local mode, the default', () => {
    expect(accountsConfigFromEnv({})).toStrictEqual({ mode: 'local' });
  });

  it('reads the accounts table in aws mode', () => {
    expect(
      accountsConfigFromEnv({ IMGREC_MODE: 'aws', IMGREC_ACCOUNTS_TABLE: 'imgrec-dev-AccountsTable' }),
    ).toStrictEqual({ mode: 'aws', tableName: 'imgrec-dev-AccountsTable' });
  });

  it.each([
    ['a missing table in aws mode', { IMGREC_MODE: 'aws' }, 'IMGREC_ACCOUNTS_TABLE'],
    ['an unknown mode', { IMGREC_MODE: 'cloud' }, 'IMGREC_MODE'],
  ])('refuses %s, naming the setting', (_case, env, name) => {
    expect(() => accountsConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => accountsConfigFromEnv(env)).toThrow(name);
  });
});
