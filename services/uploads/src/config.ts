import {
  callbackAllowHostsFromEnv,
  once,
  readInteger,
  requireEnv,
  retentionFromEnv,
  runtimeMode,
} from '@imgrec/shared';

/** Settings both modes have. */
interface CommonUploadsConfig {
  /** Hosts exempt from the https and public-address rules for callback_url (IMGREC_CALLBACK_ALLOW_HOSTS). */
  allowHosts: readonly string[];
  /** Seconds an upload URL stays valid (IMGREC_UPLOAD_URL_TTL_S): whole seconds from 1 to 600, default 600. */
  uploadUrlTtlSeconds: number;
  /**
   * Days an upload's record is kept (IMGREC_RECORD_RETENTION_DAYS, default 90): DynamoDB's TTL deletes it on AWS,
   * the local retention sweep locally.
   */
  recordRetentionDays: number;
}

/**
 * The uploads service's settings. On AWS, its table, bucket and event bus, set in serverless.yml; locally the
 * platform owns the database, blob store and bus, so only the common settings are the service's own.
 */
export type UploadsConfig =
  | (CommonUploadsConfig & { mode: 'aws'; tableName: string; bucket: string; eventBusName: string })
  | (CommonUploadsConfig & { mode: 'local' });

/**
 * Reads the uploads service's settings from `env`.
 * @throws ConfigError for an invalid IMGREC_MODE, IMGREC_CALLBACK_ALLOW_HOSTS, IMGREC_UPLOAD_URL_TTL_S or retention
 *   setting, or a setting aws mode needs and does not have.
 */
export const uploadsConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): UploadsConfig => {
  const mode = runtimeMode(env);
  const common: CommonUploadsConfig = {
    allowHosts: callbackAllowHostsFromEnv(mode, env),
    uploadUrlTtlSeconds: readInteger('IMGREC_UPLOAD_URL_TTL_S', { min: 1, max: 600 }, 600, env),
    recordRetentionDays: retentionFromEnv(env).recordRetentionDays,
  };
  if (mode === 'local') return { mode, ...common };
  return {
    mode,
    ...common,
    tableName: requireEnv('IMGREC_UPLOADS_TABLE', env),
    bucket: requireEnv('IMGREC_IMAGES_BUCKET', env),
    eventBusName: requireEnv('IMGREC_EVENT_BUS_NAME', env),
  };
};

/**
 * This process's settings, read from its environment at the first call (a Lambda's init, the local start) and kept:
 * the runtime wires the adapters from them, and the handlers take the mode from them.
 * @throws ConfigError as {@link uploadsConfigFromEnv} does.
 */
export const uploadsConfig = once(() => uploadsConfigFromEnv());
