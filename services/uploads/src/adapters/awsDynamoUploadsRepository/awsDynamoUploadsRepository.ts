import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { expiresAtEpochSeconds, type Clock } from '@imgrec/shared';
import { unlessConditionFails } from '@imgrec/shared/aws';
import {
  IDEMPOTENCY_WINDOW_MS,
  type CreateUploadResponse,
  type IdempotentRequest,
  type UploadRecord,
  type UploadsRepository,
} from '../../ports.js';

export interface DynamoUploadsRepositoryConfig {
  tableName: string;
  /** Days an upload's item is kept: its TTL is that long after it was created. */
  recordRetentionDays: number;
  now?: Clock;
}

/**
 * The table's TTL attribute (epoch seconds), set on every item: uploads (the record retention after their creation),
 * idempotency keys (the end of their window) and quota counters (the day after theirs).
 */
export const UPLOADS_TABLE_TTL_ATTRIBUTE = 'delete_after';

/**
 * Every kind of item shares the table's one key attribute, `pk`, told apart by a prefix. A tenant id has no `#`, so
 * an idempotency key's pk names its tenant unambiguously, and two tenants' keys never meet.
 */
const uploadPk = (blobId: string) => `upload#${blobId}`;
const idempotencyPk = (tenantId: string, key: string) => `idempotency#${tenantId}#${key}`;

interface IdempotencyItem {
  pk: string;
  request_hash: string;
  response: CreateUploadResponse;
  created_at_ms: number;
  delete_after: number;
}

const toItem = (record: UploadRecord, recordRetentionDays: number) => ({
  pk: uploadPk(record.blob_id),
  blob_id: record.blob_id,
  tenant_id: record.tenant_id,
  content_type: record.content_type,
  options: { min_confidence: record.options.min_confidence, max_labels: record.options.max_labels },
  ...(record.callback_url === undefined ? {} : { callback_url: record.callback_url }),
  created_at: record.created_at,
  expires_at: record.expires_at,
  ...(record.stored_at === undefined ? {} : { stored_at: record.stored_at }),
  ...(record.announced_at === undefined ? {} : { announced_at: record.announced_at }),
  ...(record.idempotency_key === undefined ? {} : { idempotency_key: record.idempotency_key }),
  [UPLOADS_TABLE_TTL_ATTRIBUTE]: expiresAtEpochSeconds(record.created_at, recordRetentionDays),
});

const toRecord = (item: Record<string, unknown>): UploadRecord => {
  const { pk: _pk, [UPLOADS_TABLE_TTL_ATTRIBUTE]: _deleteAfter, ...record } = item;
  return record as unknown as UploadRecord;
};

/**
 * The uploads table on DynamoDB (aws mode), through the document client. Every write that must happen once is a
 * conditional write: a blob's record is created once, its stored_at and announced_at are set once, and an
 * Idempotency-Key is claimed by one request of its tenant only. DynamoDB's TTL deletes expired keys a day or two
 * late, so reads check the window themselves; it deletes uploads once the record retention has passed.
 */
export const buildDynamoUploadsRepository = (
  client: DynamoDBDocumentClient,
  config: DynamoUploadsRepositoryConfig,
): UploadsRepository => {
  const TableName = config.tableName;
  const clock = config.now ?? (() => new Date());
  const now = () => clock().getTime();

  const get = async (blobId: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName, Key: { pk: uploadPk(blobId) }, ConsistentRead: true }),
    );
    return Item && toRecord(Item);
  };

  const findIdempotent = async (tenantId: string, key: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName, Key: { pk: idempotencyPk(tenantId, key) }, ConsistentRead: true }),
    );
    const item = Item as IdempotencyItem | undefined;
    if (!item || item.created_at_ms < now() - IDEMPOTENCY_WINDOW_MS) return undefined;
    return { requestHash: item.request_hash, response: item.response };
  };

  /** Claims the tenant's key for this request unless another request holds it within the window. */
  const claimIdempotencyKey = async (tenantId: string, idempotency: IdempotentRequest): Promise<boolean> => {
    const createdAtMs = now();
    const item: IdempotencyItem = {
      pk: idempotencyPk(tenantId, idempotency.key),
      request_hash: idempotency.requestHash,
      response: idempotency.response,
      created_at_ms: createdAtMs,
      delete_after: Math.ceil((createdAtMs + IDEMPOTENCY_WINDOW_MS) / 1000),
    };
    const claimed = await unlessConditionFails(
      client.send(
        new PutCommand({
          TableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR created_at_ms < :windowStart',
          ExpressionAttributeValues: { ':windowStart': createdAtMs - IDEMPOTENCY_WINDOW_MS },
        }),
      ),
    );
    return claimed !== undefined;
  };

  return {
    get,
    findIdempotent,

    // The record is written before the key is claimed: a crash in between leaves a record nobody was given, never
    // a key that replays a response for a blob without a record.
    create: async (record, idempotency) => {
      await client.send(
        new PutCommand({
          TableName,
          Item: toItem(record, config.recordRetentionDays),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      if (!idempotency || (await claimIdempotencyKey(record.tenant_id, idempotency))) return { created: true };
      // Another request claimed the key first: this blob will never be announced, so its record goes.
      await client.send(new DeleteCommand({ TableName, Key: { pk: uploadPk(record.blob_id) } }));
      const existing = await findIdempotent(record.tenant_id, idempotency.key);
      if (!existing) throw new Error(`Idempotency-Key ${idempotency.key} expired while it was being claimed`);
      return { created: false, existing };
    },

    markStored: async (blobId, storedAt) => {
      const marked = await unlessConditionFails(
        client.send(
          new UpdateCommand({
            TableName,
            Key: { pk: uploadPk(blobId) },
            UpdateExpression: 'SET stored_at = :storedAt',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(stored_at)',
            ExpressionAttributeValues: { ':storedAt': storedAt },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      // Unknown blob, or stored before: either way the record as it is answers.
      if (marked === undefined) return get(blobId);
      return marked.Attributes && toRecord(marked.Attributes);
    },

    markAnnounced: async (blobId, announcedAt) => {
      // Unknown blob, or announced before: the first time stays.
      await unlessConditionFails(
        client.send(
          new UpdateCommand({
            TableName,
            Key: { pk: uploadPk(blobId) },
            UpdateExpression: 'SET announced_at = :announcedAt',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(announced_at)',
            ExpressionAttributeValues: { ':announcedAt': announcedAt },
          }),
        ),
      );
    },

    delete: async (record) => {
      if (record.idempotency_key !== undefined) {
        // Only while the key still replays this blob: one claimed afresh since belongs to another blob.
        await unlessConditionFails(
          client.send(
            new DeleteCommand({
              TableName,
              Key: { pk: idempotencyPk(record.tenant_id, record.idempotency_key) },
              ConditionExpression: '#response.blob_id = :blobId',
              ExpressionAttributeNames: { '#response': 'response' },
              ExpressionAttributeValues: { ':blobId': record.blob_id },
            }),
          ),
        );
      }
      await client.send(new DeleteCommand({ TableName, Key: { pk: uploadPk(record.blob_id) } }));
    },
  };
};
