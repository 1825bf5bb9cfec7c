import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretCipher } from '../../ports.js';

/** The format tag of this cipher's output; a later format gets a new tag, so old ciphertexts stay readable. */
const FORMAT = 'aesgcm1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A ciphertext that does not decrypt: altered, made with another key, or bound to another tenant. */
export class SecretDecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretDecryptionError';
  }
}

/**
 * The local mode's secret cipher: AES-256-GCM with a fresh random 12-byte IV per secret and the tenant id as
 * additional authenticated data, so a ciphertext copied to another tenant's record fails authentication. Output:
 * `aesgcm1.<base64url of IV ‖ auth tag ‖ ciphertext>`.
 * @throws RangeError when `key` is not 32 bytes long.
 */
export const buildAesGcmSecretCipher = (key: Uint8Array): SecretCipher => {
  if (key.byteLength !== KEY_BYTES) throw new RangeError(`the secret key must be ${KEY_BYTES} bytes long`);
  return {
    encrypt: async (plaintext, tenantId) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(tenantId, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${FORMAT}.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
    },
    decrypt: async (ciphertext, tenantId) => {
      const [format, encoded, ...rest] = ciphertext.split('.');
      const bytes = Buffer.from(encoded ?? '', 'base64url');
      if (format !== FORMAT || rest.length > 0 || bytes.byteLength < IV_BYTES + TAG_BYTES) {
        throw new SecretDecryptionError(`not an ${FORMAT} ciphertext`);
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
          .setAAD(Buffer.from(tenantId, 'utf8'))
          .setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const plaintext = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
        return plaintext.toString('utf8');
      } catch (error) {
        throw new SecretDecryptionError(
          `the ciphertext does not decrypt for tenant ${tenantId} with this key ` +
            "(altered, made with another key, or another tenant's)",
          { cause: error },
        );
      }
    },
  };
};
