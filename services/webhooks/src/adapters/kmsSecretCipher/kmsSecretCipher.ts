import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SecretCipher } from '../../ports.js';

export interface KmsSecretCipherConfig {
  /** IMGREC_WEBHOOK_SECRETS_KEY_ARN: the symmetric key (WebhookSecretsKey in serverless.yml). */
  keyId: string;
}

/** The format tag of this cipher's output, so a ciphertext names the cipher that can read it. */
const FORMAT = 'kms1';

/**
 * The aws mode's secret cipher: KMS Encrypt and Decrypt with the service's key and the encryption context
 * `{ tenant_id }`. KMS binds the context to the ciphertext, so one moved to another tenant's record does not decrypt,
 * and CloudTrail logs each use with its tenant. Decrypt names the key too, so a ciphertext of another key is refused
 * rather than decrypted with whatever key made it. Output: `kms1.<base64url of the CiphertextBlob>`.
 * @returns a cipher whose calls reject with the SDK's errors: InvalidCiphertextException for an altered ciphertext,
 *   another tenant's, or another key's; AccessDeniedException, KMSInvalidStateException (key disabled) and the like.
 */
export const buildKmsSecretCipher = (client: KMSClient, config: KmsSecretCipherConfig): SecretCipher => ({
  encrypt: async (plaintext, tenantId) => {
    const { CiphertextBlob } = await client.send(
      new EncryptCommand({
        KeyId: config.keyId,
        Plaintext: Buffer.from(plaintext, 'utf8'),
        EncryptionContext: { tenant_id: tenantId },
      }),
    );
    if (!CiphertextBlob) throw new Error('KMS Encrypt returned no ciphertext');
    return `${FORMAT}.${Buffer.from(CiphertextBlob).toString('base64url')}`;
  },
  decrypt: async (ciphertext, tenantId) => {
    const [format, encoded, ...rest] = ciphertext.split('.');
    if (format !== FORMAT || !encoded || rest.length > 0) throw new Error(`not a ${FORMAT} ciphertext`);
    const { Plaintext } = await client.send(
      new DecryptCommand({
        KeyId: config.keyId,
        CiphertextBlob: Buffer.from(encoded, 'base64url'),
        EncryptionContext: { tenant_id: tenantId },
      }),
    );
    if (!Plaintext) throw new Error('KMS Decrypt returned no plaintext');
    return Buffer.from(Plaintext).toString('utf8');
  },
});
