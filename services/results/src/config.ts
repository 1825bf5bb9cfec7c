import { requireEnv, runtimeMode } from '@imgrec/shared';

/**
 * The results service's settings. On AWS, the results table (IMGREC_RESULTS_TABLE, set in serverless.yml); locally
 * nothing: the service keeps its database in the data dir the local platform owns.
 */
export type ResultsConfig = { mode: 'aws'; tableName: string } | { mode: 'local' };

/**
 * Reads the results service's settings; its runtime calls it once, at start (a Lambda's cold start).
 * @throws ConfigError for an invalid IMGREC_MODE, or a missing table name in aws mode.
 */
export const resultsConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): ResultsConfig =>
  runtimeMode(env) === 'aws' ? { mode: 'aws', tableName: requireEnv('IMGREC_RESULTS_TABLE', env) } : { mode: 'local' };
