import { describe, expect, it } from '@jest/globals';
import { DecryptCommand, EncryptCommand, InvalidCiphertextException, KMSClient } from '@aws-sdk/client-kms';
import { generateWebhookSecret } from '@imgrec/shared';
import { mockClient } from 'aws-sdk-client-mock';
import { buildKmsSecretCipher } from './kmsSecretCipher.js';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const BLOB = Uint8Array.from([1, 2, 250, 251, 252, 253, 254, 255]);
const secret = generateWebhookSecret();

const mockedKms = () => {
  const client = new KMSClient({ region: 'eu-west-1' });
  return { client, kms: mockClient(client), cipher: buildKmsSecretCipher(client, { keyId: KEY_ARN }) };
};

describe('buildKmsSecretCipher', () => {
  it('encrypts with the key and the tenant as encryption context, into a versioned base64url string', async () => {
    const { kms, cipher } = mockedKms();
    kms.on(EncryptCommand).resolves({ CiphertextBlob: BLOB, KeyId: KEY_ARN });

    expect(await cipher.encrypt(secret, 'tenant_a')).toBe(`kms1.${Buffer.from(BLOB).toString('base64url')}`);
    expect(kms.commandCalls(EncryptCommand).map((call) => call.args[0].input)).toEqual([
      { KeyId: KEY_ARN, Plaintext: Buffer.from(secret, 'utf8'), EncryptionContext: { tenant_id: 'tenant_a' } },
    ]);
  });

  it('decrypts with the same key and context', async () => {
    const { kms, cipher } = mockedKms();
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from(secret, 'utf8'), KeyId: KEY_ARN });

    expect(await cipher.decrypt(`kms1.${Buffer.from(BLOB).toString('base64url')}`, 'tenant_a')).toBe(secret);
    expect(kms.commandCalls(DecryptCommand).map((call) => call.args[0].input)).toEqual([
      { KeyId: KEY_ARN, CiphertextBlob: Buffer.from(BLOB), EncryptionContext: { tenant_id: 'tenant_a' } },
    ]);
  });

  it('passes on KMS refusing a ciphertext of another tenant, and refuses another format without asking KMS', async () => {
    const { kms, cipher } = mockedKms();
    kms
      .on(DecryptCommand)
      .rejects(new InvalidCiphertextException({ message: 'InvalidCiphertextException', $metadata: {} }));

    await expect(cipher.decrypt(`kms1.${Buffer.from(BLOB).toString('base64url')}`, 'tenant_b')).rejects.toBeInstanceOf(
      InvalidCiphertextException,
    );
    await expect(cipher.decrypt('aesgcm1.AAAA', 'tenant_a')).rejects.toThrow('not a kms1 ciphertext');
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
  });
});
