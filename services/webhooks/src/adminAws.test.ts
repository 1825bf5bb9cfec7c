import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseWebhookSecrets } from '@imgrec/shared';
import { startDynamoEmulator, type DynamoEmulator, createHashKeyTable } from '@imgrec/shared/aws/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { awsTenantSecretStore } from './adminAws.js';
import { createTenantSecret, rotateTenantSecret } from './tenantSecrets/tenantSecrets.js';

describe('awsTenantSecretStore', () => {
  const SECRETS_TABLE = 'WebhookSecretsTable';
  const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  let emulator: DynamoEmulator;

  beforeAll(async () => {
    emulator = await startDynamoEmulator();
    await createHashKeyTable(emulator.newDocumentClient(), SECRETS_TABLE, 'tenant_id');
  });

  afterAll(async () => {
    await emulator.stop();
  });

  /**
   * KMS as far as the store can tell: a ciphertext names its key and context, and decrypts only with both. It holds
   * the plaintext in a recognisable wrapping, which is all a test of the wiring needs.
   */
  const fakeKms = () => {
    const kms = mockClient(KMSClient);
    kms.on(EncryptCommand).callsFake(({ KeyId, Plaintext, EncryptionContext }) => ({
      KeyId,
      CiphertextBlob: Buffer.from(
        JSON.stringify({ KeyId, EncryptionContext, Plaintext: Buffer.from(Plaintext).toString('hex') }),
      ),
    }));
    kms.on(DecryptCommand).callsFake(({ KeyId, CiphertextBlob, EncryptionContext }) => {
      const sealed = JSON.parse(Buffer.from(CiphertextBlob).toString('utf8'));
      if (sealed.KeyId !== KeyId || JSON.stringify(sealed.EncryptionContext) !== JSON.stringify(EncryptionContext)) {
        throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
      }
      return { KeyId, Plaintext: Buffer.from(sealed.Plaintext, 'hex') };
    });
    return kms;
  };

  it('creates and rotates a tenant’s secrets in DynamoDB, encrypted by KMS for that tenant', async () => {
    const kms = fakeKms();
    const documents = emulator.newDocumentClient();
    const store = awsTenantSecretStore({ tableName: SECRETS_TABLE, keyId: KEY_ARN, dynamo: documents });
    try {
      const { webhook_secret: first } = await createTenantSecret(store, 'tenant_a');
      const { webhook_secret: second } = await rotateTenantSecret(store, 'tenant_a', { overlapHours: 2 });
      expect(parseWebhookSecrets([first, second])).toHaveLength(2);
      expect((await store.list('tenant_a')).map((secret) => secret.secret)).toEqual([second, first]);

      expect(
        kms.commandCalls(EncryptCommand).map((call) => ({
          KeyId: call.args[0].input.KeyId,
          EncryptionContext: call.args[0].input.EncryptionContext,
        })),
      ).toEqual([
        { KeyId: KEY_ARN, EncryptionContext: { tenant_id: 'tenant_a' } },
        { KeyId: KEY_ARN, EncryptionContext: { tenant_id: 'tenant_a' } },
      ]);
      const { Item } = await documents.send(
        new GetCommand({ TableName: SECRETS_TABLE, Key: { tenant_id: 'tenant_a' } }),
      );
      expect(Item).toMatchObject({ tenant_id: 'tenant_a', version: 2 });
    } finally {
      store.close();
      kms.restore();
    }
  });
});
