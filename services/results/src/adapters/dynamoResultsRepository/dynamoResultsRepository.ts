import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseStoredBlobView, tenantIdSchema, type BlobStatus } from '@imgrec/shared';
import { unlessConditionFails } from '@imgrec/shared/aws';
import { positionOf } from '../../listPosition/listPosition.js';
import type { ListPosition, OwnedView, ResultsRecord, ResultsRepository } from '../../ports.js';
import {
  MAX_WRITE_ATTEMPTS,
  deleteAfterOf,
  earlyCallbackOutcomesSchema,
  epochSecondsOf,
  type RecordRetention,
} from '../storedRecord/storedRecord.js';

/** The results table's index of each tenant's blobs by creation: ResultsTable in serverless.yml defines it. */
export const BY_TENANT_CREATED_INDEX = 'by_tenant_created';

/**
 * How many index entries one Query of a status-filtered list reads at most. The filter applies after the read, so a
 * page of matches may take several reads; this bounds each one well under Lambda's timeout.
 */
const FILTERED_READ_SIZE = 250;

export interface DynamoResultsRepositoryConfig extends RecordRetention {
  tableName: string;
}

/**
 * One blob's item. `tenant_id`, the owner, and `status`, the view's, are top-level attributes for the index, the
 * list's filters and the console; so are `expires_at`, which decides `expired`, and `delete_after`, the TTL attribute.
 * `created_key` (`<created_at>#<blob_id>`) is the index's sort key, present only on an item with a view: a tombstone
 * or an item of early callback outcomes is left out of the index, so the list never meets one.
 */
interface ResultsItem {
  blob_id: string;
  version: number;
  tenant_id?: unknown;
  status?: string;
  view?: unknown;
  early_callback_outcomes?: unknown;
  expires_at?: unknown;
  deleted_at?: unknown;
  created_key?: string;
  delete_after?: unknown;
}

const createdKeyOf = (position: ListPosition) => `${position.createdAt}#${position.blobId}`;

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Stored items are parsed, not cast: an item written by an older release fails loudly instead of leaking out. */
const decode = (item: ResultsItem): ResultsRecord => {
  const expiresAt = optionalString(item.expires_at);
  const deletedAt = optionalString(item.deleted_at);
  return {
    tenantId: tenantIdSchema.parse(item.tenant_id),
    ...(item.view !== undefined && { view: parseStoredBlobView(item.view) }),
    ...(item.early_callback_outcomes !== undefined && {
      earlyCallbackOutcomes: earlyCallbackOutcomesSchema.parse(item.early_callback_outcomes),
    }),
    ...(expiresAt !== undefined && { expiresAt }),
    ...(deletedAt !== undefined && { deletedAt }),
  };
};

/** What `get` and `list` serve of an item: its view, if it has one and its retention has not passed at `now`. */
const servedView = (item: ResultsItem, now: Date): OwnedView | undefined => {
  if (item.view === undefined) return undefined;
  // An item without delete_after (written by an earlier release) is kept: only a stored delete_after ends a record.
  if (typeof item.delete_after === 'number' && item.delete_after <= epochSecondsOf(now)) return undefined;
  const expiresAt = optionalString(item.expires_at);
  return {
    tenantId: tenantIdSchema.parse(item.tenant_id),
    view: parseStoredBlobView(item.view),
    ...(expiresAt !== undefined && { expiresAt }),
  };
};

/** The record as plain JSON data: the round trip drops undefined fields, which DynamoDB cannot store. */
const encode = (blobId: string, version: number, record: ResultsRecord, retention: RecordRetention): ResultsItem =>
  JSON.parse(
    JSON.stringify({
      blob_id: blobId,
      version,
      tenant_id: record.tenantId,
      status: record.view?.status,
      view: record.view,
      early_callback_outcomes: record.earlyCallbackOutcomes,
      expires_at: record.expiresAt,
      deleted_at: record.deletedAt,
      created_key: record.view === undefined ? undefined : createdKeyOf(positionOf(record.view)),
      delete_after: deleteAfterOf(record, retention, new Date()),
    }),
  ) as ResultsItem;

interface Filter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * The list's FilterExpression for a status as served, with the names and values it uses: `expired` and
 * `awaiting_upload` are both stored as awaiting_upload, and `expires_at` tells them apart (ISO timestamps compare as
 * strings).
 */
const statusFilter = (status: BlobStatus, now: Date): Filter => {
  if (status !== 'expired' && status !== 'awaiting_upload') {
    return { expression: '#status = :status', names: { '#status': 'status' }, values: { ':status': status } };
  }
  return {
    expression:
      status === 'expired'
        ? '#status = :status AND #expires_at <= :now'
        : '#status = :status AND (attribute_not_exists(#expires_at) OR #expires_at > :now)',
    names: { '#status': 'status', '#expires_at': 'expires_at' },
    values: { ':status': 'awaiting_upload', ':now': now.toISOString() },
  };
};

/**
 * The results repository on DynamoDB (aws mode): one item per blob, with the view and early callback outcomes as
 * maps and a `version` that every write checks and bumps, the same compare-and-set the SQLite adapter does. A write
 * that loses to another writer reads the item again and recomputes, so state only moves forward. Reads are strongly
 * consistent, so a client that got a webhook then reads the view the webhook announced. The list queries the
 * `by_tenant_created` index newest first (never a Scan), which is eventually consistent: a blob shows up in the list
 * a moment after GET serves it.
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
          // A whole item replaces the stored one: a tombstone's drops the view, and with `created_key` its index entry.
          Item: encode(blobId, version, record, config),
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
    get: async (blobId, now) => {
      const item = await read(blobId);
      return item === undefined ? undefined : servedView(item, now);
    },

    list: async (tenantId, { status, limit, after, now }) => {
      const filter = status === undefined ? undefined : statusFilter(status, now);
      const names = {
        '#tenant_id': 'tenant_id',
        '#delete_after': 'delete_after',
        ...(after && { '#created_key': 'created_key' }),
        ...filter?.names,
      };
      const values = {
        ':tenant_id': tenantId,
        ':now_s': epochSecondsOf(now),
        ...(after && { ':after': createdKeyOf(after) }),
        ...filter?.values,
      };
      // One match more than the page tells whether another page follows.
      const wanted = limit + 1;
      const found: ResultsItem[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName,
            IndexName: BY_TENANT_CREATED_INDEX,
            KeyConditionExpression: `#tenant_id = :tenant_id${after ? ' AND #created_key < :after' : ''}`,
            // TTL deletes expired items within days, not at once: the list hides them itself.
            FilterExpression: ['#delete_after > :now_s', ...(filter ? [filter.expression] : [])].join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: filter === undefined ? wanted - found.length : FILTERED_READ_SIZE,
            ExclusiveStartKey: startKey,
          }),
        );
        found.push(...((page.Items ?? []) as ResultsItem[]));
        startKey = page.LastEvaluatedKey;
      } while (found.length < wanted && startKey !== undefined);

      const items = found.slice(0, limit).flatMap((item) => servedView(item, now) ?? []);
      return { items, more: found.length > limit };
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
