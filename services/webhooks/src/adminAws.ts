import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildDynamoTenantSecretStore } from './adapters/dynamoTenantSecretStore/dynamoTenantSecretStore.js';
import { buildKmsSecretCipher } from './adapters/kmsSecretCipher/kmsSecretCipher.js';
import type { ClosableTenantSecretStore } from './ports.js';

export type { ClosableTenantSecretStore } from './ports.js';

export interface AwsTenantSecretStoreOptions {
  /** The webhooks stack's output WebhookSecretsTableName (IMGREC_WEBHOOK_SECRETS_TABLE). */
  tableName: string;
  /** The webhooks stack's output WebhookSecretsKeyArn (IMGREC_WEBHOOK_SECRETS_KEY_ARN). */
  keyId: string;
  /** The region of the clients it makes; the SDK's default (AWS_REGION, the profile) when undefined. */
  region?: string;
  /** Clients to use; by default new ones with the caller's AWS credentials, destroyed by close(). */
  dynamo?: DynamoDBDocumentClient;
  kms?: KMSClient;
}

/**
 * The tenants' webhook secrets of a deployed stage, for the admin CLI: DynamoDB for the items, KMS to encrypt and
 * decrypt them, with the operator's credentials (kms:Encrypt and kms:Decrypt on the key, dynamodb:GetItem and
 * dynamodb:PutItem on the table). close() destroys only the clients it made.
 */
export const awsTenantSecretStore = (options: AwsTenantSecretStoreOptions): ClosableTenantSecretStore => {
  const { region } = options;
  const dynamo = options.dynamo ?? DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
  const kms = options.kms ?? new KMSClient({ region });
  const store = buildDynamoTenantSecretStore(dynamo, buildKmsSecretCipher(kms, { keyId: options.keyId }), {
    tableName: options.tableName,
  });
  return {
    ...store,
    close: () => {
      if (!options.dynamo) dynamo.destroy();
      if (!options.kms) kms.destroy();
    },
  };
};
