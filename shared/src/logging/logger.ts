import { Logger } from '@aws-lambda-powertools/logger';
import { readChoice } from '../config/readEnv/readEnv.js';

export type { Logger } from '@aws-lambda-powertools/logger';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Reads IMGREC_LOG_LEVEL (default `info`).
 * @throws ConfigError for anything but debug, info, warn or error, so a typo does not silence or flood the logs.
 */
export const logLevelFromEnv = (env: NodeJS.ProcessEnv = process.env): LogLevel =>
  readChoice('IMGREC_LOG_LEVEL', LOG_LEVELS, 'info', env);

/**
 * A Powertools logger for one service (or tool): one JSON object per line, with `service`, the keys given and, inside
 * a handler wrapped with `injectLambdaContext`, the Lambda request id and cold start. Handlers append `blob_id` and
 * `tenant_id` as soon as they know them, so every line about a blob can be found by either. Never log secrets, API
 * keys or signed URLs: lines are kept.
 * @throws ConfigError when IMGREC_LOG_LEVEL is invalid and no level is given.
 */
export const createLogger = (
  serviceName: string,
  options: { level?: LogLevel; persistentKeys?: Record<string, unknown> } = {},
): Logger =>
  new Logger({
    serviceName,
    logLevel: (options.level ?? logLevelFromEnv()).toUpperCase() as Uppercase<LogLevel>,
    ...(options.persistentKeys && { persistentKeys: options.persistentKeys }),
  });
