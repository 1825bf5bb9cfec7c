import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { logger, requireEnv } from '@imgrec/shared';
import { buildEventBridgePublisher } from '@imgrec/shared/aws';
import got from 'got';
import { buildDynamoDeliveryStore } from './adapters/dynamoDeliveryStore/dynamoDeliveryStore.js';
import { buildDynamoTenantSecretStore } from './adapters/dynamoTenantSecretStore/dynamoTenantSecretStore.js';
import { buildGotCallbackSender } from './adapters/gotCallbackSender/gotCallbackSender.js';
import { buildKmsSecretCipher } from './adapters/kmsSecretCipher/kmsSecretCipher.js';
import { buildSqsDeliveryQueue } from './adapters/sqsDeliveryQueue/sqsDeliveryQueue.js';
import { buildSignerFor } from './buildSignerFor/buildSignerFor.js';
import type { AwsWebhooksConfig } from './config/webhooksConfig.js';
import type { WebhooksDeps } from './ports.js';

/**
 * How long a function instance keeps a tenant's decrypted secrets: a rotation reaches every instance within this
 * time, far inside the default 24 h overlap, while KMS sees one Decrypt per secret per tenant and period.
 */
export const SECRETS_CACHE_TTL_MS = 5 * 60_000;

/**
 * The webhooks service on AWS. Besides `config`, its settings come from the function's environment, set in
 * serverless.yml: IMGREC_DELIVERIES_TABLE, IMGREC_DELIVERY_QUEUE_URL, IMGREC_DELIVERY_DLQ_URL, IMGREC_EVENT_BUS_NAME,
 * IMGREC_WEBHOOK_SECRETS_TABLE and IMGREC_WEBHOOK_SECRETS_KEY_ARN (the KMS key's ARN, not a secret). Nothing is
 * called at wiring time; a tenant's secrets are read and decrypted at its first delivery.
 * @throws Error naming a missing setting.
 */
export const awsWebhooksRuntime = (config: AwsWebhooksConfig): WebhooksDeps => {
  const tableName = requireEnv('IMGREC_DELIVERIES_TABLE');
  const queueUrl = requireEnv('IMGREC_DELIVERY_QUEUE_URL');
  const deadLetterQueueUrl = requireEnv('IMGREC_DELIVERY_DLQ_URL');
  const eventBusName = requireEnv('IMGREC_EVENT_BUS_NAME');
  const secretsTableName = requireEnv('IMGREC_WEBHOOK_SECRETS_TABLE');
  const secretsKeyArn = requireEnv('IMGREC_WEBHOOK_SECRETS_KEY_ARN');
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const now = () => new Date();
  const secrets = buildDynamoTenantSecretStore(
    dynamo,
    buildKmsSecretCipher(new KMSClient({}), { keyId: secretsKeyArn }),
    { tableName: secretsTableName },
  );
  return {
    store: buildDynamoDeliveryStore(dynamo, { tableName }),
    queue: buildSqsDeliveryQueue(new SQSClient({}), { queueUrl, deadLetterQueueUrl }),
    send: buildGotCallbackSender(got, { allowHosts: config.allowHosts }),
    signerFor: buildSignerFor(secrets, { now, cacheTtlMs: SECRETS_CACHE_TTL_MS }),
    publisher: buildEventBridgePublisher(new EventBridgeClient({}), { eventBusName, source: 'imgrec.webhooks' }),
    retrySchedule: config.retrySchedule,
    now,
    random: Math.random,
    log: logger.child({ service: 'webhooks' }),
  };
};
