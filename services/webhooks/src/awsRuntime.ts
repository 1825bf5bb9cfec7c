import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildEmfMetrics } from '@imgrec/shared';
import { buildEventBridgePublisher } from '@imgrec/shared/aws';
import got from 'got';
import { buildDynamoDeliveryStore } from './adapters/dynamoDeliveryStore/dynamoDeliveryStore.js';
import { buildDynamoTenantSecretStore } from './adapters/dynamoTenantSecretStore/dynamoTenantSecretStore.js';
import { buildGotCallbackSender } from './adapters/gotCallbackSender/gotCallbackSender.js';
import { buildKmsSecretCipher } from './adapters/kmsSecretCipher/kmsSecretCipher.js';
import { buildSqsDeadLetterQueue, buildSqsDeliveryQueue } from './adapters/sqsDeliveryQueue/sqsDeliveryQueue.js';
import { buildSignerFor } from './buildSignerFor/buildSignerFor.js';
import type { AwsWebhooksConfig } from './config.js';
import { emf, logger } from './observability.js';
import type { WebhooksDeps } from './ports.js';

/**
 * How long a function instance keeps a tenant's decrypted secrets: a rotation reaches every instance within this
 * time, far inside the default 24 h overlap, while KMS sees one Decrypt per secret per tenant and period.
 */
const SECRETS_MAX_AGE_SECONDS = 300;

/**
 * The webhooks service on AWS: DynamoDB for the deliveries and the tenants' secrets (decrypted by KMS), SQS for the
 * delivery queue and its DLQ, EventBridge for the outcomes. Nothing is called at wiring time; a tenant's secrets are
 * read and decrypted at its first delivery.
 */
export const awsWebhooksRuntime = (config: AwsWebhooksConfig): WebhooksDeps => {
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const now = () => new Date();
  const secrets = buildDynamoTenantSecretStore(
    dynamo,
    buildKmsSecretCipher(new KMSClient({}), { keyId: config.secretsKeyArn }),
    { tableName: config.secretsTable },
  );
  const sqs = new SQSClient({});
  const queues = { queueUrl: config.deliveryQueueUrl, deadLetterQueueUrl: config.deliveryDlqUrl };
  return {
    store: buildDynamoDeliveryStore(dynamo, {
      tableName: config.deliveriesTable,
      recordRetentionDays: config.recordRetentionDays,
    }),
    queue: buildSqsDeliveryQueue(sqs, queues),
    deadLetters: buildSqsDeadLetterQueue(sqs, queues),
    send: buildGotCallbackSender(got, { allowHosts: config.allowHosts }),
    signerFor: buildSignerFor(secrets, { now, maxAgeSeconds: SECRETS_MAX_AGE_SECONDS }),
    publisher: buildEventBridgePublisher(new EventBridgeClient({}), {
      eventBusName: config.eventBusName,
      source: 'imgrec.webhooks',
    }),
    retrySchedule: config.retrySchedule,
    now,
    random: Math.random,
    log: logger,
    metrics: buildEmfMetrics(emf),
  };
};
