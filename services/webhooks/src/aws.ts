import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv, type Logger } from '@imgrec/shared';
import { buildDynamoDeliveryStore } from './adapters/dynamoDeliveryStore/dynamoDeliveryStore.js';
import { buildDynamoTenantSecretStore } from './adapters/dynamoTenantSecretStore/dynamoTenantSecretStore.js';
import { buildKmsSecretCipher } from './adapters/kmsSecretCipher/kmsSecretCipher.js';
import { buildSqsDeadLetterQueue } from './adapters/sqsDeliveryQueue/sqsDeliveryQueue.js';
import type { ClosableTenantSecretStore } from './ports.js';
import { redriveDeliveries, type RedriveOptions, type RedriveReport } from './redriveDeliveries/redriveDeliveries.js';

export type { RedriveOptions, RedriveReport } from './redriveDeliveries/redriveDeliveries.js';
export type { ClosableTenantSecretStore, TenantSecret, TenantSecretStore } from './ports.js';
export {
  DEFAULT_ROTATION_OVERLAP_HOURS,
  MAX_ROTATION_OVERLAP_HOURS,
  createTenantSecret,
  rotateTenantSecret,
  type NewWebhookSecret,
  type TenantSecretOptions,
} from './tenantSecrets/tenantSecrets.js';

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

/**
 * `npm run redrive` in aws mode: replays the delivery DLQ of a deployed stage (all of it, or one blob's or one
 * tenant's messages)
 * through the DynamoDB and SQS adapters, with the caller's AWS credentials and region. It reads the settings
 * deliverCallback reads, IMGREC_DELIVERIES_TABLE, IMGREC_DELIVERY_QUEUE_URL and IMGREC_DELIVERY_DLQ_URL, which the
 * webhooks stack prints as outputs. SQS's own "DLQ redrive" must not be used instead: it would move the messages
 * back while their deliveries still say failed, and deliverCallback would dead-letter them again unsent.
 * @throws Error naming a missing setting; the SDK's errors (e.g. AccessDeniedException) as they come.
 */
export const redriveAwsDeliveries = async (
  options: RedriveOptions,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RedriveReport> => {
  const tableName = requireEnv('IMGREC_DELIVERIES_TABLE', env);
  const queueUrl = requireEnv('IMGREC_DELIVERY_QUEUE_URL', env);
  const deadLetterQueueUrl = requireEnv('IMGREC_DELIVERY_DLQ_URL', env);
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const sqs = new SQSClient({});
  try {
    return await redriveDeliveries(
      {
        store: buildDynamoDeliveryStore(dynamo, { tableName }),
        deadLetters: buildSqsDeadLetterQueue(sqs, { queueUrl, deadLetterQueueUrl }),
        now: () => new Date(),
        log,
      },
      options,
    );
  } finally {
    dynamo.destroy();
    sqs.destroy();
  }
};
