import { describe, expect, it } from '@jest/globals';
import { generateWebhookSecret } from '@imgrec/shared';
import { randomBytes } from 'node:crypto';
import { SecretDecryptionError, buildAesGcmSecretCipher } from './aesGcmSecretCipher.js';

const secret = generateWebhookSecret();

/** The ciphertext with one byte of its payload flipped. */
const tampered = (ciphertext: string, at: number): string => {
  const [format, encoded] = ciphertext.split('.');
  const bytes = Buffer.from(encoded ?? '', 'base64url');
  bytes[at] = (bytes[at] ?? 0) ^ 1;
  return `${format}.${bytes.toString('base64url')}`;
};

describe('buildAesGcmSecretCipher', () => {
  it('decrypts what it encrypted for the same tenant, from a versioned base64url string without the secret in it', async () => {
    const cipher = buildAesGcmSecretCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(secret, 'tenant_a');
    expect(ciphertext).toMatch(/^aesgcm1\.[A-Za-z0-9_-]+$/);
    expect(ciphertext).not.toContain(secret.slice('whsec_'.length));
    expect(await cipher.decrypt(ciphertext, 'tenant_a')).toBe(secret);
  });

  it('uses a fresh IV each time, so one secret never encrypts to the same string twice', async () => {
    const cipher = buildAesGcmSecretCipher(randomBytes(32));
    const [first, second] = await Promise.all([cipher.encrypt(secret, 'tenant_a'), cipher.encrypt(secret, 'tenant_a')]);
    expect(first).not.toBe(second);
    expect(first?.slice(0, 24)).not.toBe(second?.slice(0, 24));
  });

  it('refuses a ciphertext moved to another tenant', async () => {
    const cipher = buildAesGcmSecretCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(secret, 'tenant_a');
    await expect(cipher.decrypt(ciphertext, 'tenant_b')).rejects.toBeInstanceOf(SecretDecryptionError);
  });

  it('refuses an altered IV, tag or ciphertext, another key, and what is not its format', async () => {
    const cipher = buildAesGcmSecretCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(secret, 'tenant_a');
    for (const at of [0, 12, 28]) {
      await expect(cipher.decrypt(tampered(ciphertext, at), 'tenant_a')).rejects.toBeInstanceOf(SecretDecryptionError);
    }
    await expect(buildAesGcmSecretCipher(randomBytes(32)).decrypt(ciphertext, 'tenant_a')).rejects.toBeInstanceOf(
      SecretDecryptionError,
    );
    for (const other of [secret, 'aesgcm1.', `aesgcm2.${ciphertext.slice(8)}`, `${ciphertext}.x`]) {
      await expect(cipher.decrypt(other, 'tenant_a')).rejects.toBeInstanceOf(SecretDecryptionError);
    }
  });

  it('refuses a key that is not 32 bytes long', () => {
    expect(() => buildAesGcmSecretCipher(randomBytes(16))).toThrow(RangeError);
  });
});
