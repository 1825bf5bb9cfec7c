import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { buildSecretsManagerSigningKey } from './secretsManagerSigningKey.js';

const SECRET_VALUE = 'Xq7rT2vLm9PzK4sWb8NcHy3JfGd6QaE5uVtRkZp1oMn0iBwYxCeSjUlAhDg2F7Ks';

let secrets: AwsClientStub<SecretsManagerClient>;
let arns = 0;

/** A secret ARN of its own per test: Powertools caches values by name across the process. */
const newSecretArn = () =>
  `arn:aws:secretsmanager:eu-west-1:123456789012:secret:imgrec-results-cursor-${(arns += 1)}-AbCdEf`;

describe('buildSecretsManagerSigningKey', () => {
  beforeEach(() => {
    secrets = mockClient(SecretsManagerClient);
    jest.useFakeTimers({ now: new Date('2026-11-27T12:00:00.000Z'), doNotFake: ['nextTick', 'setImmediate'] });
  });

  afterEach(() => {
    secrets.restore();
    jest.useRealTimers();
  });

  it('reads the generated secret string as the key’s bytes', async () => {
    const secretArn = newSecretArn();
    secrets.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({ SecretString: SECRET_VALUE });

    const key = await buildSecretsManagerSigningKey({ secretArn, maxAgeSeconds: 300 })();

    expect(Buffer.from(key).toString('utf8')).toBe(SECRET_VALUE);
  });

  it('reads the secret once per max age, not once per request', async () => {
    const secretArn = newSecretArn();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET_VALUE });
    const signingKey = buildSecretsManagerSigningKey({ secretArn, maxAgeSeconds: 300 });

    await signingKey();
    jest.advanceTimersByTime(299_000);
    await signingKey();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);

    jest.advanceTimersByTime(2_000);
    await signingKey();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses a secret too short to be an HMAC-SHA256 key', async () => {
    const secretArn = newSecretArn();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'short' });

    await expect(buildSecretsManagerSigningKey({ secretArn, maxAgeSeconds: 300 })()).rejects.toThrow(
      `the secret ${secretArn} holds no signing key of at least 32 bytes`,
    );
  });

  it('fails when the secret cannot be read', async () => {
    const secretArn = newSecretArn();
    secrets.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));

    await expect(buildSecretsManagerSigningKey({ secretArn, maxAgeSeconds: 300 })()).rejects.toThrow();
  });
});
