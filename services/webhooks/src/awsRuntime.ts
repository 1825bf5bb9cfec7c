import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { logger, requireEnv } from '@imgrec/shared';
import { buildEventBridgePublisher } from '@imgrec/shared/aws';
import got from 'got';
import { buildDynamoDeliveryStore } from './adapters/dynamoDeliveryStore/dynamoDeliveryStore.js';
import { buildGotCallbackSender } from './adapters/gotCallbackSender/gotCallbackSender.js';
import { buildSqsDeliveryQueue } from './adapters/sqsDeliveryQueue/sqsDeliveryQueue.js';
import { buildSsmWebhookSigner } from './adapters/ssmWebhookSigner/ssmWebhookSigner.js';
import type { AwsWebhooksConfig } from './config/webhooksConfig.js';
import type { WebhooksDeps } from './ports.js';

/**
 * The webhooks service on AWS. Besides `config`, its settings come from the function's environment, set in
 * serverless.yml: IMGREC_DELIVERIES_TABLE, IMGREC_DELIVERY_QUEUE_URL, IMGREC_DELIVERY_DLQ_URL and
 * IMGREC_EVENT_BUS_NAME. Nothing is called at wiring time; the secret is read from SSM at the first delivery.
 * @throws Error naming a missing setting.
 */
export const awsWebhooksRuntime = (config: AwsWebhooksConfig): WebhooksDeps => {
  const tableName = requireEnv('IMGREC_DELIVERIES_TABLE');
  const queueUrl = requireEnv('IMGREC_DELIVERY_QUEUE_URL');
  const deadLetterQueueUrl = requireEnv('IMGREC_DELIVERY_DLQ_URL');
  const eventBusName = requireEnv('IMGREC_EVENT_BUS_NAME');
  return {
    store: buildDynamoDeliveryStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), { tableName }),
    queue: buildSqsDeliveryQueue(new SQSClient({}), { queueUrl, deadLetterQueueUrl }),
    send: buildGotCallbackSender(got, { allowHosts: config.allowHosts }),
    signer: buildSsmWebhookSigner(new SSMClient({}), { parameterName: config.webhookSecretParameter }),
    publisher: buildEventBridgePublisher(new EventBridgeClient({}), { eventBusName, source: 'imgrec.webhooks' }),
    retrySchedule: config.retrySchedule,
    now: () => new Date(),
    random: Math.random,
    log: logger.child({ service: 'webhooks' }),
  };
};
