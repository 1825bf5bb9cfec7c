import { requireEnv, retentionFromEnv, runtimeMode } from '@imgrec/shared';

/**
 * The results service's settings. In both modes, how long a blob's record is kept (IMGREC_RECORD_RETENTION_DAYS,
 * default 90). On AWS also the results table (IMGREC_RESULTS_TABLE) and the secret list cursors are signed with
 * (IMGREC_CURSOR_SECRET_ARN), both set in serverless.yml; locally the service keeps its database and its cursor key in
 * the data dir the local platform owns.
 */
export type ResultsConfig =
  | { mode: 'aws'; tableName: string; cursorSecretArn: string; recordRetentionDays: number }
  | { mode: 'local'; recordRetentionDays: number };

/**
 * Reads the results service's settings; its runtime calls it once, at start (a Lambda's cold start).
 * @throws ConfigError for an invalid IMGREC_MODE or retention, or a missing table or secret in aws mode.
 */
export const resultsConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): ResultsConfig => {
  const mode = runtimeMode(env);
  const { recordRetentionDays } = retentionFromEnv(env);
  return mode === 'aws'
    ? {
        mode,
        tableName: requireEnv('IMGREC_RESULTS_TABLE', env),
        cursorSecretArn: requireEnv('IMGREC_CURSOR_SECRET_ARN', env),
        recordRetentionDays,
      }
    : { mode, recordRetentionDays };
};
