import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { blobViewSchema, tenantIdSchema } from '@imgrec/shared';
import { unlessConditionFails } from '@imgrec/shared/aws';
import type { ResultsRecord, ResultsRepository } from '../../ports.js';
import { MAX_WRITE_ATTEMPTS, earlyCallbackOutcomesSchema } from '../storedRecord/storedRecord.js';

export interface DynamoResultsRepositoryConfig {
  tableName: string;
}

/**
 * One blob's item. `tenant_id`, the owner, and `status`, the view's, are top-level attributes for queries, indexes
 * and the console.
 */
interface ResultsItem {
  blob_id: string;
  version: number;
  tenant_id?: unknown;
  status?: string;
  view?: unknown;
  early_callback_outcomes?: unknown;
}

/** Stored items are parsed, not cast: an item written by an older release fails loudly instead of leaking out. */
const decode = (item: ResultsItem): ResultsRecord => ({
  tenantId: tenantIdSchema.parse(item.tenant_id),
  ...(item.view !== undefined && { view: blobViewSchema.parse(item.view) }),
  ...(item.early_callback_outcomes !== undefined && {
    earlyCallbackOutcomes: earlyCallbackOutcomesSchema.parse(item.early_callback_outcomes),
  }),
});

/** The record as plain JSON data: the round trip drops undefined fields, which DynamoDB cannot store. */
const encode = (blobId: string, version: number, record: ResultsRecord): ResultsItem =>
  JSON.parse(
    JSON.stringify({
      blob_id: blobId,
      version,
      tenant_id: record.tenantId,
      status: record.view?.status,
      view: record.view,
      early_callback_outcomes: record.earlyCallbackOutcomes,
    }),
  ) as ResultsItem;

/**
 * The results repository on DynamoDB (aws mode): one item per blob, with the view and early callback outcomes as
 * maps and a `version` that every write checks and bumps, the same compare-and-set the SQLite adapter does. A write
 * that loses to another writer reads the item again and recomputes, so state only moves forward. Reads are strongly
 * consistent, so a client that got a webhook then reads the view the webhook announced.
 */
export const buildDynamoResultsRepository = (
  client: DynamoDBDocumentClient,
  config: DynamoResultsRepositoryConfig,
): ResultsRepository => {
  const TableName = config.tableName;

  const read = async (blobId: string) => {
    const { Item } = await client.send(new GetCommand({ TableName, Key: { blob_id: blobId }, ConsistentRead: true }));
    return Item as ResultsItem | undefined;
  };

  /** Writes `version` of the record if the stored version is still `version - 1`; false when another writer won. */
  const writeVersion = async (blobId: string, version: number, record: ResultsRecord): Promise<boolean> => {
    const written = await unlessConditionFails(
      client.send(
        new PutCommand({
          TableName,
          Item: encode(blobId, version, record),
          ...(version === 1
            ? { ConditionExpression: 'attribute_not_exists(blob_id)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': version - 1 },
              }),
        }),
      ),
    );
    return written !== undefined;
  };

  return {
    get: async (blobId) => {
      const item = await read(blobId);
      if (item?.view === undefined) return undefined;
      return { tenantId: tenantIdSchema.parse(item.tenant_id), view: blobViewSchema.parse(item.view) };
    },

    apply: async (blobId, change) => {
      for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
        const item = await read(blobId);
        const current = item === undefined ? undefined : decode(item);
        const next = change(current);
        if (next === undefined) return current;
        if (await writeVersion(blobId, (item?.version ?? 0) + 1, next)) return next;
      }
      throw new Error(`results for blob ${blobId} kept changing under concurrent writers`);
    },
  };
};
