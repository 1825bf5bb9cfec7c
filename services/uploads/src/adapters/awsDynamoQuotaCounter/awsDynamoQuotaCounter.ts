import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unlessConditionFails } from '@imgrec/shared/aws';
import type { QuotaCounter } from '../../ports.js';
import { UPLOADS_TABLE_TTL_ATTRIBUTE } from '../awsDynamoUploadsRepository/awsDynamoUploadsRepository.js';

export interface DynamoQuotaCounterConfig {
  /** The uploads table: counters live beside uploads and idempotency keys, under their own pk prefix. */
  tableName: string;
}

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Daily quota counters on DynamoDB (aws mode): one item per tenant and UTC day (pk `quota#<tenant_id>#<day>`),
 * counted with one conditional UpdateItem, so concurrent requests never count past the quota. The TTL deletes an
 * item two days after its day began, a full day after the last request that could count against it.
 */
export const buildDynamoQuotaCounter = (
  client: DynamoDBDocumentClient,
  config: DynamoQuotaCounterConfig,
): QuotaCounter => ({
  tryConsume: async (tenantId, utcDay, max) => {
    // The condition lets the first blob of a day through whatever `max` is, so a quota of none is refused here.
    if (max < 1) return false;
    const counted = await unlessConditionFails(
      client.send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: { pk: `quota#${tenantId}#${utcDay}` },
          UpdateExpression: 'SET #deleteAfter = :deleteAfter ADD blobs :one',
          ConditionExpression: 'attribute_not_exists(blobs) OR blobs < :max',
          ExpressionAttributeNames: { '#deleteAfter': UPLOADS_TABLE_TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':one': 1,
            ':max': max,
            ':deleteAfter': Date.parse(`${utcDay}T00:00:00.000Z`) / 1000 + 2 * DAY_SECONDS,
          },
        }),
      ),
    );
    return counted !== undefined;
  },
});
