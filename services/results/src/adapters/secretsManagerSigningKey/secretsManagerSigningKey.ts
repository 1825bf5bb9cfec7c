import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { SigningKey } from '../../ports.js';

/** HMAC-SHA256 wants a key of at least its output's 32 bytes. */
const MIN_KEY_BYTES = 32;

export interface SecretsManagerSigningKeyConfig {
  /** The secret's ARN; its string value, as its bytes, is the key. */
  secretArn: string;
  /** How long a function instance keeps the value before it reads the secret again. */
  maxAgeSeconds: number;
}

/**
 * A signing key kept in AWS Secrets Manager, read with Powertools Parameters, which caches it for `maxAgeSeconds`:
 * one GetSecretValue per instance and period, and a new value reaches every instance within that time.
 * The returned function rejects when the secret cannot be read, or holds fewer than 32 bytes.
 */
export const buildSecretsManagerSigningKey =
  (config: SecretsManagerSigningKeyConfig): SigningKey =>
  async () => {
    const secret = await getSecret(config.secretArn, { maxAge: config.maxAgeSeconds });
    const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (!(key instanceof Uint8Array) || key.byteLength < MIN_KEY_BYTES) {
      throw new Error(`the secret ${config.secretArn} holds no signing key of at least ${MIN_KEY_BYTES} bytes`);
    }
    return key;
  };
