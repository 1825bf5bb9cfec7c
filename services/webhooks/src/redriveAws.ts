import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@imgrec/shared';
import { buildDynamoDeliveryStore } from './adapters/dynamoDeliveryStore/dynamoDeliveryStore.js';
import { buildSqsDeadLetterQueue } from './adapters/sqsDeliveryQueue/sqsDeliveryQueue.js';
import { awsDeliveryResourcesFromEnv, recordRetentionDaysFromEnv } from './config.js';
import { redriveDeliveries, type RedriveOptions, type RedriveReport } from './redriveDeliveries/redriveDeliveries.js';

export { awsDeliveryResourcesFromEnv, type AwsDeliveryResources } from './config.js';
export type { RedriveOptions, RedriveReport } from './redriveDeliveries/redriveDeliveries.js';

/**
 * `npm run redrive` in aws mode: replays the delivery DLQ of a deployed stage (all of it, or one blob's or one
 * tenant's messages) through the DynamoDB and SQS adapters, with the caller's AWS credentials and region. It reads
 * the settings deliverCallback reads, IMGREC_DELIVERIES_TABLE, IMGREC_DELIVERY_QUEUE_URL and IMGREC_DELIVERY_DLQ_URL,
 * which the webhooks stack prints as outputs. SQS's own "DLQ redrive" must not be used instead: it would move the
 * messages back while their deliveries still say failed, and deliverCallback would dead-letter them again unsent.
 * @throws ConfigError naming a missing setting; the SDK's errors (e.g. AccessDeniedException) as they come.
 */
export const redriveAwsDeliveries = async (
  options: RedriveOptions,
  log: Logger,
  env?: NodeJS.ProcessEnv,
): Promise<RedriveReport> => {
  const resources = awsDeliveryResourcesFromEnv(env);
  const recordRetentionDays = recordRetentionDaysFromEnv(env);
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const sqs = new SQSClient({});
  try {
    return await redriveDeliveries(
      {
        store: buildDynamoDeliveryStore(dynamo, { tableName: resources.deliveriesTable, recordRetentionDays }),
        deadLetters: buildSqsDeadLetterQueue(sqs, {
          queueUrl: resources.deliveryQueueUrl,
          deadLetterQueueUrl: resources.deliveryDlqUrl,
        }),
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
