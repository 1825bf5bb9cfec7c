import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unlessConditionFails } from '@imgrec/shared/aws';
import { z } from 'zod';
import type { SecretCipher, TenantSecretStore } from '../../ports.js';
import {
  MAX_WRITE_ROUNDS,
  openSecrets,
  sealSecret,
  storedSecretsSchema,
  withSecretAdded,
  type StoredSecret,
} from '../storedSecrets/storedSecrets.js';

export interface DynamoTenantSecretStoreConfig {
  /** IMGREC_WEBHOOK_SECRETS_TABLE: the table keyed by `tenant_id` (WebhookSecretsTable in serverless.yml). */
  tableName: string;
}

/** One tenant's item. */
interface TenantSecretsItem {
  tenant_id: string;
  /** Newest first; ciphertexts only. */
  secrets: StoredSecret[];
  /** Bumped by every write; a write lands only if the item is still at the version it was computed from. */
  version: number;
}

/** What a read needs of an item, checked rather than cast. */
const storedItemSchema = z.object({ secrets: storedSecretsSchema, version: z.number().int() });

/**
 * The tenants' webhook secrets on DynamoDB (aws mode): one item per tenant, `{ tenant_id, secrets: [{secret_id,
 * ciphertext, created_at, expires_at?}], version }`. Secrets are encrypted with `cipher` (KMS, bound to the tenant)
 * before they are written and decrypted as they are listed. An add reads the item (strongly consistent), computes
 * the new list, and writes it only if nobody wrote in between (a conditional put on `version`); otherwise it reads
 * again, a few rounds at most.
 */
export const buildDynamoTenantSecretStore = (
  client: DynamoDBDocumentClient,
  cipher: SecretCipher,
  config: DynamoTenantSecretStoreConfig,
): TenantSecretStore => {
  const TableName = config.tableName;

  const read = async (tenantId: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName, Key: { tenant_id: tenantId }, ConsistentRead: true }),
    );
    return Item && storedItemSchema.parse(Item);
  };

  return {
    list: async (tenantId) => openSecrets(cipher, tenantId, (await read(tenantId))?.secrets ?? []),

    add: async (tenantId, secret, options = {}) => {
      const sealed = await sealSecret(cipher, tenantId, secret);
      for (let round = 1; round <= MAX_WRITE_ROUNDS; round += 1) {
        const current = await read(tenantId);
        const item: TenantSecretsItem = {
          tenant_id: tenantId,
          secrets: withSecretAdded(current?.secrets ?? [], sealed, options.retireOthersAt),
          version: (current?.version ?? 0) + 1,
        };
        // Refused when someone wrote in between: read again and recompute.
        const written = await unlessConditionFails(
          client.send(
            new PutCommand({
              TableName,
              Item: item,
              ...(current
                ? {
                    ConditionExpression: '#version = :version',
                    ExpressionAttributeNames: { '#version': 'version' },
                    ExpressionAttributeValues: { ':version': current.version },
                  }
                : { ConditionExpression: 'attribute_not_exists(tenant_id)' }),
            }),
          ),
        );
        if (written) return;
      }
      throw new Error(`the webhook secrets of tenant ${tenantId} kept changing while a secret was being added`);
    },
  };
};
