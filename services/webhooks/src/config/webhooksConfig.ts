import { ImgrecError, callbackAllowHostsFromEnv, parseWebhookSecrets, runtimeMode } from '@imgrec/shared';

/** The contract's schedule: after the first attempt, retry after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** SQS cannot hide a message for longer than 12 hours, so no single retry delay may exceed it. */
export const MAX_RETRY_DELAY_SECONDS = 43_200;

/** One attempt waits at most 10 s for the receiver. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

/** Only the first 64 KB of a response is read. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

const invalidConfig = (message: string) => new ImgrecError('invalid_config', message, 500);

/**
 * Reads IMGREC_RETRY_SCHEDULE: comma-separated whole seconds, one per retry after the first attempt. Unset means
 * {@link DEFAULT_RETRY_SCHEDULE}; an empty string means no retry at all.
 * @throws ImgrecError `invalid_config` for anything but whole numbers of seconds from 0 to 43200.
 */
export const parseRetrySchedule = (raw: string | undefined): readonly number[] => {
  if (raw === undefined) return DEFAULT_RETRY_SCHEDULE;
  if (raw.trim() === '') return [];
  return raw.split(',').map((entry) => {
    const seconds = Number(entry.trim());
    if (entry.trim() === '' || !Number.isInteger(seconds) || seconds < 0 || seconds > MAX_RETRY_DELAY_SECONDS) {
      throw invalidConfig(
        `IMGREC_RETRY_SCHEDULE must list whole seconds from 0 to ${MAX_RETRY_DELAY_SECONDS}, got "${entry}"`,
      );
    }
    return seconds;
  });
};

interface CommonConfig {
  retrySchedule: readonly number[];
  allowHosts: readonly string[];
}

export interface LocalWebhooksConfig extends CommonConfig {
  mode: 'local';
  /**
   * IMGREC_WEBHOOK_SECRET, checked: the dev tenant's secret list, used instead of the one stored for `dev`;
   * undefined when unset.
   */
  devWebhookSecrets: string[] | undefined;
}

export interface AwsWebhooksConfig extends CommonConfig {
  mode: 'aws';
}

export type WebhooksConfig = LocalWebhooksConfig | AwsWebhooksConfig;

/**
 * The webhooks service's settings: IMGREC_MODE, IMGREC_RETRY_SCHEDULE, IMGREC_CALLBACK_ALLOW_HOSTS, and in local
 * mode IMGREC_WEBHOOK_SECRET (optional). The tenants' secrets themselves are in the service's secret store.
 * @throws ImgrecError `invalid_config` for a bad value, or for IMGREC_WEBHOOK_SECRET in aws mode; WebhookSecretError
 *   for a malformed IMGREC_WEBHOOK_SECRET.
 */
export const webhooksConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): WebhooksConfig => {
  const mode = runtimeMode(env);
  const common = {
    retrySchedule: parseRetrySchedule(env.IMGREC_RETRY_SCHEDULE),
    allowHosts: callbackAllowHostsFromEnv(mode, env),
  };
  const secret = env.IMGREC_WEBHOOK_SECRET?.trim();
  if (mode === 'local') return { mode, ...common, devWebhookSecrets: secret ? parseWebhookSecrets(secret) : undefined };
  // Anyone allowed to read a function's configuration can read its environment. Refused rather than ignored, so an
  // operator who put a secret there learns that it was never used (and rotates it).
  if (secret) {
    throw invalidConfig(
      'IMGREC_WEBHOOK_SECRET is not read in aws mode; each tenant has its own secrets, managed with `npm run admin -- webhook-secret rotate`',
    );
  }
  return { mode, ...common };
};
