import { describe, expect, it } from '@jest/globals';
import { ImgrecError, WebhookSecretError, generateWebhookSecret } from '@imgrec/shared';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule, webhooksConfigFromEnv } from './webhooksConfig.js';

describe('parseRetrySchedule', () => {
  it('defaults to 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h', () => {
    expect(parseRetrySchedule(undefined)).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(parseRetrySchedule(undefined)).toBe(DEFAULT_RETRY_SCHEDULE);
  });

  it('reads comma-separated seconds, and an empty value as no retry at all', () => {
    expect(parseRetrySchedule('1, 1')).toEqual([1, 1]);
    expect(parseRetrySchedule('0,43200')).toEqual([0, 43200]);
    expect(parseRetrySchedule('')).toEqual([]);
  });

  it.each(['1,,2', '1.5', '-1', '5m', '43201'])('refuses %j', (raw) => {
    expect(() => parseRetrySchedule(raw)).toThrow(ImgrecError);
  });
});

describe('webhooksConfigFromEnv', () => {
  it('reads the local defaults', () => {
    expect(webhooksConfigFromEnv({})).toEqual({
      mode: 'local',
      retrySchedule: DEFAULT_RETRY_SCHEDULE,
      allowHosts: ['localhost', '127.0.0.1', '::1'],
      devWebhookSecrets: undefined,
    });
  });

  it("reads every local setting, with the dev tenant's secrets from IMGREC_WEBHOOK_SECRET", () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    expect(
      webhooksConfigFromEnv({
        IMGREC_RETRY_SCHEDULE: '1,2',
        IMGREC_CALLBACK_ALLOW_HOSTS: 'hooks.internal:8443',
        IMGREC_WEBHOOK_SECRET: `${a} ${b}`,
      }),
    ).toEqual({
      mode: 'local',
      retrySchedule: [1, 2],
      allowHosts: ['hooks.internal:8443'],
      devWebhookSecrets: [a, b],
    });
    expect(() => webhooksConfigFromEnv({ IMGREC_WEBHOOK_SECRET: 'whsec_tooshort' })).toThrow(WebhookSecretError);
  });

  it('needs no secret setting in aws mode, and exempts no host by default', () => {
    expect(webhooksConfigFromEnv({ IMGREC_MODE: 'aws' })).toEqual({
      mode: 'aws',
      retrySchedule: DEFAULT_RETRY_SCHEDULE,
      allowHosts: [],
    });
  });

  it('refuses a secret in the environment in aws mode rather than use it', () => {
    expect(() => webhooksConfigFromEnv({ IMGREC_MODE: 'aws', IMGREC_WEBHOOK_SECRET: generateWebhookSecret() })).toThrow(
      ImgrecError,
    );
  });
});
