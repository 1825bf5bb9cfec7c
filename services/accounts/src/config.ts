import { requireEnv, runtimeMode } from '@imgrec/shared';

/**
 * The accounts service's settings. On AWS, the accounts table (IMGREC_ACCOUNTS_TABLE, set in serverless.yml); locally
 * nothing: the service keeps its database in the data dir the local platform owns.
 */
export type AccountsConfig = { mode: 'aws'; tableName: string } | { mode: 'local' };

/**
 * Reads the accounts service's settings; its runtime calls it once, at start (a Lambda's cold start).
 * @throws ConfigError for an invalid IMGREC_MODE, or a missing table name in aws mode.
 */
export const accountsConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): AccountsConfig =>
  runtimeMode(env) === 'aws' ? { mode: 'aws', tableName: requireEnv('IMGREC_ACCOUNTS_TABLE', env) } : { mode: 'local' };
