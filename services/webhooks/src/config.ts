import {
  ConfigError,
  WebhookSecretError,
  callbackAllowHostsFromEnv,
  parseWebhookSecrets,
  readList,
  requireEnv,
  retentionFromEnv,
  runtimeMode,
} from '@imgrec/shared';

/** The contract's schedule: after the first attempt, retry after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** SQS cannot hide a message for longer than 12 hours, so no single retry delay may exceed it. */
export const MAX_RETRY_DELAY_SECONDS = 43_200;

/** One attempt waits at most 10 s for the receiver. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

/** Only the first 64 KB of a response is read. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

type Env = NodeJS.ProcessEnv;

const retryDelay = (entry: string): number => {
  const seconds = Number(entry);
  if (entry === '' || !Number.isInteger(seconds) || seconds < 0 || seconds > MAX_RETRY_DELAY_SECONDS) {
    throw new ConfigError(
      `IMGREC_RETRY_SCHEDULE must list whole seconds from 0 to ${MAX_RETRY_DELAY_SECONDS}, got "${entry}"`,
    );
  }
  return seconds;
};

/**
 * Reads IMGREC_RETRY_SCHEDULE: comma-separated whole seconds, one per retry after the first attempt. Unset means
 * {@link DEFAULT_RETRY_SCHEDULE}; an empty string means no retry at all.
 * @throws ConfigError for anything but whole numbers of seconds from 0 to 43200.
 */
export const retryScheduleFromEnv = (env: Env = process.env): readonly number[] =>
  readList('IMGREC_RETRY_SCHEDULE', retryDelay, DEFAULT_RETRY_SCHEDULE, env);

/**
 * Reads IMGREC_WEBHOOK_SECRET: in local mode, the dev tenant's secret list, used instead of the one stored for `dev`;
 * undefined when unset or blank.
 * @throws ConfigError when it is not a list of `whsec_` secrets.
 */
export const devWebhookSecretsFromEnv = (env: Env = process.env): string[] | undefined => {
  const configured = env.IMGREC_WEBHOOK_SECRET?.trim();
  if (!configured) return undefined;
  try {
    return parseWebhookSecrets(configured);
  } catch (error) {
    if (!(error instanceof WebhookSecretError)) throw error;
    throw new ConfigError(`IMGREC_WEBHOOK_SECRET: ${error.message}`, { cause: error });
  }
};

/**
 * Reads IMGREC_RECORD_RETENTION_DAYS (default 90; fractions allowed): how long a delivery, or a deleted blob's
 * tombstone, is kept after it was created. DynamoDB's TTL applies it on AWS, the retention sweep locally.
 * @throws ConfigError for a value that is not a number greater than 0.
 */
export const recordRetentionDaysFromEnv = (env: Env = process.env): number => retentionFromEnv(env).recordRetentionDays;

/** Where a deployed stage keeps its deliveries: the webhooks stack's outputs of the same names. */
export interface AwsDeliveryResources {
  /** IMGREC_DELIVERIES_TABLE */
  deliveriesTable: string;
  /** IMGREC_DELIVERY_QUEUE_URL */
  deliveryQueueUrl: string;
  /** IMGREC_DELIVERY_DLQ_URL */
  deliveryDlqUrl: string;
}

/**
 * Reads IMGREC_DELIVERIES_TABLE, IMGREC_DELIVERY_QUEUE_URL and IMGREC_DELIVERY_DLQ_URL: what deliverCallback and the
 * aws redrive both work on.
 * @throws ConfigError naming a missing setting.
 */
export const awsDeliveryResourcesFromEnv = (env: Env = process.env): AwsDeliveryResources => ({
  deliveriesTable: requireEnv('IMGREC_DELIVERIES_TABLE', env),
  deliveryQueueUrl: requireEnv('IMGREC_DELIVERY_QUEUE_URL', env),
  deliveryDlqUrl: requireEnv('IMGREC_DELIVERY_DLQ_URL', env),
});

interface CommonConfig {
  retrySchedule: readonly number[];
  /** IMGREC_RECORD_RETENTION_DAYS (see {@link recordRetentionDaysFromEnv}). */
  recordRetentionDays: number;
  /** IMGREC_CALLBACK_ALLOW_HOSTS: hosts exempt from the https and public-address rules. */
  allowHosts: readonly string[];
}

export interface LocalWebhooksConfig extends CommonConfig {
  mode: 'local';
  /** IMGREC_WEBHOOK_SECRET, checked (see {@link devWebhookSecretsFromEnv}). */
  devWebhookSecrets: string[] | undefined;
}

export interface AwsWebhooksConfig extends CommonConfig, AwsDeliveryResources {
  mode: 'aws';
  /** IMGREC_EVENT_BUS_NAME */
  eventBusName: string;
  /** IMGREC_WEBHOOK_SECRETS_TABLE: where the tenants' encrypted signing secrets are kept. */
  secretsTable: string;
  /** IMGREC_WEBHOOK_SECRETS_KEY_ARN: the KMS key they are encrypted with (its ARN, not a secret). */
  secretsKeyArn: string;
}

export type WebhooksConfig = LocalWebhooksConfig | AwsWebhooksConfig;

/**
 * The webhooks service's settings: IMGREC_MODE, IMGREC_RETRY_SCHEDULE, IMGREC_CALLBACK_ALLOW_HOSTS and
 * IMGREC_RECORD_RETENTION_DAYS; in local mode
 * IMGREC_WEBHOOK_SECRET (optional); in aws mode the resources serverless.yml names (see {@link AwsWebhooksConfig}).
 * The tenants' secrets themselves are in the service's secret store, never in the environment.
 * @throws ConfigError for a missing or malformed setting, or for IMGREC_WEBHOOK_SECRET in aws mode.
 */
export const webhooksConfigFromEnv = (env: Env = process.env): WebhooksConfig => {
  const mode = runtimeMode(env);
  const common = {
    retrySchedule: retryScheduleFromEnv(env),
    recordRetentionDays: recordRetentionDaysFromEnv(env),
    allowHosts: callbackAllowHostsFromEnv(mode, env),
  };
  if (mode === 'local') return { mode, ...common, devWebhookSecrets: devWebhookSecretsFromEnv(env) };
  // Anyone allowed to read a function's configuration can read its environment. Refused rather than ignored, so an
  // operator who put a secret there learns that it was never used (and rotates it).
  if (env.IMGREC_WEBHOOK_SECRET?.trim()) {
    throw new ConfigError(
      'IMGREC_WEBHOOK_SECRET is not read in aws mode; each tenant has its own secrets, managed with `npm run admin -- webhook-secret rotate`',
    );
  }
  return {
    mode,
    ...common,
    ...awsDeliveryResourcesFromEnv(env),
    eventBusName: requireEnv('IMGREC_EVENT_BUS_NAME', env),
    secretsTable: requireEnv('IMGREC_WEBHOOK_SECRETS_TABLE', env),
    secretsKeyArn: requireEnv('IMGREC_WEBHOOK_SECRETS_KEY_ARN', env),
  };
};
