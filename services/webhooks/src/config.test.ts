import { describe, expect, it } from '@jest/globals';
import { ConfigError, generateWebhookSecret } from '@imgrec/shared';
import {
  DEFAULT_RETRY_SCHEDULE,
  awsDeliveryResourcesFromEnv,
  devWebhookSecretsFromEnv,
  retryScheduleFromEnv,
  webhooksConfigFromEnv,
} from './config.js';

/** What serverless.yml sets for the functions on AWS. */
const AWS_ENV = {
  IMGREC_MODE: 'aws',
  IMGREC_RECORD_RETENTION_DAYS: '90',
  IMGREC_DELIVERIES_TABLE: 'imgrec-webhooks-dev-DeliveriesTable',
  IMGREC_DELIVERY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/DeliveryQueue',
  IMGREC_DELIVERY_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/DeliveryDLQ',
  IMGREC_EVENT_BUS_NAME: 'imgrec-dev',
  IMGREC_WEBHOOK_SECRETS_TABLE: 'imgrec-webhooks-dev-WebhookSecretsTable',
  IMGREC_WEBHOOK_SECRETS_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};

describe('retryScheduleFromEnv', () => {
  it('defaults to 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h', () => {
    expect(retryScheduleFromEnv({})).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(retryScheduleFromEnv({})).toBe(DEFAULT_RETRY_SCHEDULE);
  });

  it('reads comma-separated seconds, and an empty value as no retry at all', () => {
    expect(retryScheduleFromEnv({ IMGREC_RETRY_SCHEDULE: '1, 1' })).toEqual([1, 1]);
    expect(retryScheduleFromEnv({ IMGREC_RETRY_SCHEDULE: '0,43200' })).toEqual([0, 43200]);
    expect(retryScheduleFromEnv({ IMGREC_RETRY_SCHEDULE: '' })).toEqual([]);
  });

  it.each(['1,,2', '1.5', '-1', '5m', '43201'])('refuses %j', (raw) => {
    expect(() => retryScheduleFromEnv({ IMGREC_RETRY_SCHEDULE: raw })).toThrow(ConfigError);
  });
});

describe('devWebhookSecretsFromEnv', () => {
  it('reads a list of secrets, and nothing when unset or blank', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    expect(devWebhookSecretsFromEnv({ IMGREC_WEBHOOK_SECRET: `${a} ${b}` })).toEqual([a, b]);
    expect(devWebhookSecretsFromEnv({})).toBeUndefined();
    expect(devWebhookSecretsFromEnv({ IMGREC_WEBHOOK_SECRET: '  ' })).toBeUndefined();
  });

  it('refuses a malformed secret as a configuration error naming the setting', () => {
    expect(() => devWebhookSecretsFromEnv({ IMGREC_WEBHOOK_SECRET: 'whsec_tooshort' })).toThrow(ConfigError);
    expect(() => devWebhookSecretsFromEnv({ IMGREC_WEBHOOK_SECRET: 'whsec_tooshort' })).toThrow(
      /^IMGREC_WEBHOOK_SECRET: /,
    );
  });
});

describe('awsDeliveryResourcesFromEnv', () => {
  it('names a missing setting', () => {
    expect(() => awsDeliveryResourcesFromEnv({ IMGREC_DELIVERIES_TABLE: 'DeliveriesTable' })).toThrow(
      new ConfigError('Missing required environment variable IMGREC_DELIVERY_QUEUE_URL'),
    );
  });
});

describe('webhooksConfigFromEnv', () => {
  it('reads the local defaults', () => {
    expect(webhooksConfigFromEnv({})).toEqual({
      mode: 'local',
      retrySchedule: DEFAULT_RETRY_SCHEDULE,
      recordRetentionDays: 90,
      allowHosts: ['localhost', '127.0.0.1', '::1'],
      devWebhookSecrets: undefined,
    });
  });

  it("reads every local setting, with the dev tenant's secrets from IMGREC_WEBHOOK_SECRET", () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    expect(
      webhooksConfigFromEnv({
        IMGREC_RETRY_SCHEDULE: '1,2',
        IMGREC_RECORD_RETENTION_DAYS: '0.5',
        IMGREC_CALLBACK_ALLOW_HOSTS: 'hooks.internal:8443',
        IMGREC_WEBHOOK_SECRET: `${a} ${b}`,
      }),
    ).toEqual({
      mode: 'local',
      retrySchedule: [1, 2],
      recordRetentionDays: 0.5,
      allowHosts: ['hooks.internal:8443'],
      devWebhookSecrets: [a, b],
    });
    expect(() => webhooksConfigFromEnv({ IMGREC_WEBHOOK_SECRET: 'whsec_tooshort' })).toThrow(ConfigError);
  });

  it('reads the resources serverless.yml names in aws mode, and exempts no host by default', () => {
    expect(webhooksConfigFromEnv(AWS_ENV)).toEqual({
      mode: 'aws',
      retrySchedule: DEFAULT_RETRY_SCHEDULE,
      recordRetentionDays: 90,
      allowHosts: [],
      deliveriesTable: AWS_ENV.IMGREC_DELIVERIES_TABLE,
      deliveryQueueUrl: AWS_ENV.IMGREC_DELIVERY_QUEUE_URL,
      deliveryDlqUrl: AWS_ENV.IMGREC_DELIVERY_DLQ_URL,
      eventBusName: AWS_ENV.IMGREC_EVENT_BUS_NAME,
      secretsTable: AWS_ENV.IMGREC_WEBHOOK_SECRETS_TABLE,
      secretsKeyArn: AWS_ENV.IMGREC_WEBHOOK_SECRETS_KEY_ARN,
    });
  });

  it('names a missing aws setting', () => {
    const { IMGREC_WEBHOOK_SECRETS_KEY_ARN: _missing, ...incomplete } = AWS_ENV;
    expect(() => webhooksConfigFromEnv(incomplete)).toThrow(
      new ConfigError('Missing required environment variable IMGREC_WEBHOOK_SECRETS_KEY_ARN'),
    );
  });

  it('refuses a record retention that is not a number of days greater than 0, naming the setting', () => {
    expect(() => webhooksConfigFromEnv({ ...AWS_ENV, IMGREC_RECORD_RETENTION_DAYS: '0' })).toThrow(
      /^IMGREC_RECORD_RETENTION_DAYS /,
    );
  });

  it('refuses a secret in the environment in aws mode rather than use it', () => {
    expect(() => webhooksConfigFromEnv({ ...AWS_ENV, IMGREC_WEBHOOK_SECRET: generateWebhookSecret() })).toThrow(
      ConfigError,
    );
  });
});
