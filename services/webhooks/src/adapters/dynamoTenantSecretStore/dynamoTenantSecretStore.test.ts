import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { generateWebhookSecret } from '@imgrec/shared';
import { createHashKeyTable, startDynamoEmulator, type DynamoEmulator } from '@imgrec/shared/aws/testing';
import { randomBytes } from 'node:crypto';
import { buildAesGcmSecretCipher } from '../aesGcmSecretCipher/aesGcmSecretCipher.js';
import { describeTenantSecretStoreContract } from '../tenantSecretStoreContract.js';
import { buildDynamoTenantSecretStore } from './dynamoTenantSecretStore.js';

let emulator: DynamoEmulator;
let tables = 0;

/** A fresh table, keyed like WebhookSecretsTable in services/webhooks/serverless.yml. */
const createTable = async (): Promise<string> => {
  const TableName = `webhook-secrets-${(tables += 1)}`;
  await createHashKeyTable(emulator.newDocumentClient(), TableName, 'tenant_id');
  return TableName;
};

// The KMS cipher is checked on its own against a mocked KMS; here any SecretCipher does, and AES-GCM needs no cloud.
const cipher = buildAesGcmSecretCipher(randomBytes(32));

beforeAll(async () => {
  emulator = await startDynamoEmulator();
});

afterAll(async () => {
  await emulator.stop();
});

describeTenantSecretStoreContract('DynamoDB (dynalite)', async () => {
  const tableName = await createTable();
  const client = emulator.newDocumentClient();
  return {
    store: buildDynamoTenantSecretStore(client, cipher, { tableName }),
    raw: async (tenantId) =>
      (await client.send(new GetCommand({ TableName: tableName, Key: { tenant_id: tenantId } }))).Item,
  };
});

describe('buildDynamoTenantSecretStore', () => {
  it('keeps a tenant’s secrets as one versioned item, without attributes for what a secret does not have', async () => {
    const tableName = await createTable();
    const client = emulator.newDocumentClient();
    const store = buildDynamoTenantSecretStore(client, cipher, { tableName });
    await store.add('tenant_a', {
      secret_id: 'sec_1',
      secret: generateWebhookSecret(),
      created_at: '2026-11-27T12:00:00.000Z',
    });
    await store.add(
      'tenant_a',
      { secret_id: 'sec_2', secret: generateWebhookSecret(), created_at: '2026-11-28T12:00:00.000Z' },
      { retireOthersAt: '2026-11-29T12:00:00.000Z' },
    );

    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { tenant_id: 'tenant_a' } }));
    expect(Item).toStrictEqual({
      tenant_id: 'tenant_a',
      secrets: [
        { secret_id: 'sec_2', ciphertext: expect.stringMatching(/^aesgcm1\./), created_at: '2026-11-28T12:00:00.000Z' },
        {
          secret_id: 'sec_1',
          ciphertext: expect.stringMatching(/^aesgcm1\./),
          created_at: '2026-11-27T12:00:00.000Z',
          expires_at: '2026-11-29T12:00:00.000Z',
        },
      ],
      version: 2,
    });
  });
});
