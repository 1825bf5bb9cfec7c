import { callbackAllowHostsFromEnv, once, requireEnv, runtimeMode } from '@imgrec/shared';

/** Settings both modes have. */
interface CommonUploadsConfig {
  /** Hosts exempt from the https and public-address rules for callback_url (IMGREC_CALLBACK_ALLOW_HOSTS). */
  allowHosts: readonly string[];
}

/**
 * The uploads service's settings. On AWS, its table, bucket and event bus, set in serverless.yml; locally the
 * platform owns the database, blob store and bus, so only the callback allow-list is the service's own.
 */
export type UploadsConfig =
  | (CommonUploadsConfig & { mode: 'aws'; tableName: string; bucket: string; eventBusName: string })
  | (CommonUploadsConfig & { mode: 'local' });

/**
 * Reads the uploads service's settings from `env`.
 * @throws ConfigError for an invalid IMGREC_MODE or IMGREC_CALLBACK_ALLOW_HOSTS, or a setting aws mode needs and
 *   does not have.
 */
export const uploadsConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): UploadsConfig => {
  const mode = runtimeMode(env);
  const allowHosts = callbackAllowHostsFromEnv(mode, env);
  if (mode === 'local') return { mode, allowHosts };
  return {
    mode,
    allowHosts,
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
