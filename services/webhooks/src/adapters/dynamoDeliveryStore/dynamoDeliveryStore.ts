import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiresAtEpochSeconds, type WebhookEventType } from '@imgrec/shared';
import { unlessConditionFails } from '@imgrec/shared/aws';
import {
  decideClaim,
  type ClaimResult,
  type Delivery,
  type DeliveryStatus,
  type StoredDelivery,
} from '../../delivery/delivery.js';
import type { DeliveryStore } from '../../ports.js';

export interface DynamoDeliveryStoreConfig {
  /** IMGREC_DELIVERIES_TABLE: the table keyed by `blob_id` (DeliveriesTable in serverless.yml). */
  tableName: string;
  /** IMGREC_RECORD_RETENTION_DAYS: how long after its creation DynamoDB's TTL may delete an item. */
  recordRetentionDays: number;
}

/** What every item has: its key, owner, dates, TTL and version. */
interface ItemBase {
  blob_id: string;
  tenant_id: string;
  created_at: string;
  updated_at: string;
  /** The table's TTL attribute: epoch seconds, created_at plus the record retention. */
  delete_after: number;
  /** Bumped by every write; a claim is written only if it is still the version its decision was made on. */
  version: number;
}

/** One delivery's item: the SQLite adapter's columns, optional ones absent rather than null. */
interface DeliveryItem extends ItemBase {
  webhook_id: string;
  url: string;
  event_type: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  cycle_attempts: number;
  owner_message_id?: string;
  next_attempt_at?: string;
  last_attempt_at?: string;
  last_status_code?: number;
  last_error?: string;
  dead_letter: boolean;
  outcome_published: boolean;
}

/** A deleted blob's tombstone: {@link ItemBase} and when it was deleted, nothing else. */
interface TombstoneItem extends ItemBase {
  status: 'deleted';
  deleted_at: string;
}

type StoredItem = DeliveryItem | TombstoneItem;

/** Every attribute of a delivery item that a tombstone drops. */
const DROPPED_BY_TOMBSTONE = [
  'webhook_id',
  'url',
  'event_type',
  'payload',
  'attempts',
  'cycle_attempts',
  'owner_message_id',
  'next_attempt_at',
  'last_attempt_at',
  'last_status_code',
  'last_error',
  'dead_letter',
  'outcome_published',
] as const satisfies readonly Exclude<keyof DeliveryItem, keyof ItemBase | 'status'>[];

const fromDeliveryItem = (item: DeliveryItem): Delivery => ({
  blobId: item.blob_id,
  tenantId: item.tenant_id,
  webhookId: item.webhook_id,
  url: item.url,
  eventType: item.event_type as WebhookEventType,
  payload: item.payload,
  status: item.status,
  attempts: item.attempts,
  cycleAttempts: item.cycle_attempts,
  ownerMessageId: item.owner_message_id,
  nextAttemptAt: item.next_attempt_at,
  lastAttemptAt: item.last_attempt_at,
  lastStatusCode: item.last_status_code,
  lastError: item.last_error,
  deadLetter: item.dead_letter,
  outcomePublished: item.outcome_published,
  createdAt: item.created_at,
  updatedAt: item.updated_at,
});

const fromItem = (item: StoredItem): StoredDelivery =>
  item.status === 'deleted'
    ? {
        blobId: item.blob_id,
        tenantId: item.tenant_id,
        status: 'deleted',
        deletedAt: item.deleted_at,
        createdAt: item.created_at,
        updatedAt: item.updated_at,
      }
    : fromDeliveryItem(item);

// A few rounds are plenty: losing one needs another message to write the same delivery between a read and a write.
const MAX_CLAIM_ROUNDS = 5;

// `status` and `version` are DynamoDB reserved words. DynamoDB refuses a name a request does not use, so each
// update passes only those its expressions mention.
const RESERVED_NAMES = { '#status': 'status', '#version': 'version' };
const namesUsedIn = (...expressions: string[]) =>
  Object.fromEntries(
    Object.entries(RESERVED_NAMES).filter(([alias]) => expressions.some((expression) => expression.includes(alias))),
  );

// An upsert: without an item yet, it creates the tombstone; over a delivery, it keeps the owner, creation time and
// TTL, and drops everything else.
const TOMBSTONE_UPDATE = [
  'SET #status = :deleted, deleted_at = :deletedAt, updated_at = :now,',
  'tenant_id = if_not_exists(tenant_id, :tenantId), created_at = if_not_exists(created_at, :now),',
  'delete_after = if_not_exists(delete_after, :deleteAfter), #version = if_not_exists(#version, :zero) + :one',
  // By alias, since some (`url`) are reserved words.
  `REMOVE ${DROPPED_BY_TOMBSTONE.map((name) => `#${name}`).join(', ')}`,
].join(' ');
const TOMBSTONE_NAMES = {
  ...RESERVED_NAMES,
  ...Object.fromEntries(DROPPED_BY_TOMBSTONE.map((name) => [`#${name}`, name])),
};

// Value placeholders are `:` and letters or digits: last_status_code is written as :lastStatusCode.
const placeholder = (attribute: string) =>
  `:${attribute.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase())}`;

/**
 * The deliveries table on DynamoDB (aws mode), through the document client, with the SQLite adapter's rules:
 * - a delivery is created once per blob (a conditional put);
 * - a claim applies {@link decideClaim} to a strongly consistent read, then writes only if the item's `version` is
 *   still the one it read, so two messages racing for one delivery cannot both claim it; the loser reads again and
 *   decides again (typically: a duplicate);
 * - an attempt's outcome is written only while the delivery is pending on that attempt, and a redrive resets only
 *   a pending or failed delivery: single conditional updates, with no read in between;
 * - a delete is one update that creates or overwrites the item as a tombstone, unless it is one already;
 * - every item carries `delete_after`, the table's TTL attribute, from its created_at and the record retention.
 */
export const buildDynamoDeliveryStore = (
  client: DynamoDBDocumentClient,
  config: DynamoDeliveryStoreConfig,
): DeliveryStore => {
  const TableName = config.tableName;

  const read = async (blobId: string): Promise<StoredItem | undefined> => {
    const { Item } = await client.send(new GetCommand({ TableName, Key: { blob_id: blobId }, ConsistentRead: true }));
    return Item as StoredItem | undefined;
  };

  /**
   * A conditional UpdateItem that bumps the version and resolves to the new delivery, or undefined. Every caller's
   * condition requires a live delivery (none matches a tombstone), so what it resolves to is one.
   */
  const update = async (
    blobId: string,
    expression: { set: string[]; remove?: string[]; condition: string; values: Record<string, unknown> },
  ): Promise<Delivery | undefined> => {
    const UpdateExpression = [
      `SET ${[...expression.set, '#version = #version + :one'].join(', ')}`,
      ...(expression.remove?.length ? [`REMOVE ${expression.remove.join(', ')}`] : []),
    ].join(' ');
    const result = await unlessConditionFails(
      client.send(
        new UpdateCommand({
          TableName,
          Key: { blob_id: blobId },
          UpdateExpression,
          ConditionExpression: expression.condition,
          ExpressionAttributeNames: namesUsedIn(UpdateExpression, expression.condition),
          ExpressionAttributeValues: { ...expression.values, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return result?.Attributes && fromDeliveryItem(result.Attributes as DeliveryItem);
  };

  /** SET for the fields that have a value, REMOVE for the others (DynamoDB stores no undefined). */
  const setOrRemove = (fields: Record<string, string | number | undefined>) => {
    const present = Object.entries(fields).filter(([, value]) => value !== undefined);
    return {
      set: present.map(([name]) => `${name} = ${placeholder(name)}`),
      remove: Object.keys(fields).filter((name) => fields[name] === undefined),
      values: Object.fromEntries(present.map(([name, value]) => [placeholder(name), value])),
    };
  };

  const claim = async (blobId: string, messageId: string, now: Date): Promise<ClaimResult> => {
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round += 1) {
      const item = await read(blobId);
      if (!item) return { kind: 'missing' };
      const decision = decideClaim(fromItem(item), messageId, now);
      if (decision.kind !== 'claimable') return decision;
      const claimed = await update(blobId, {
        set: [
          'attempts = attempts + :one',
          'cycle_attempts = cycle_attempts + :one',
          'owner_message_id = :messageId',
          'last_attempt_at = :now',
          'updated_at = :now',
        ],
        condition: '#version = :version',
        values: { ':messageId': messageId, ':now': now.toISOString(), ':version': item.version },
      });
      if (claimed) return { kind: 'claimed', delivery: claimed };
    }
    throw new Error(`delivery for blob ${blobId} kept changing while a message tried to claim it`);
  };

  return {
    create: async (delivery) => {
      const now = delivery.now.toISOString();
      const item: DeliveryItem = {
        blob_id: delivery.blobId,
        tenant_id: delivery.tenantId,
        webhook_id: delivery.webhookId,
        url: delivery.url,
        event_type: delivery.eventType,
        payload: delivery.payload,
        status: 'pending',
        attempts: 0,
        cycle_attempts: 0,
        dead_letter: false,
        outcome_published: false,
        created_at: now,
        updated_at: now,
        delete_after: expiresAtEpochSeconds(now, config.recordRetentionDays),
        version: 1,
      };
      const created = await unlessConditionFails(
        client.send(new PutCommand({ TableName, Item: item, ConditionExpression: 'attribute_not_exists(blob_id)' })),
      );
      if (created) return { created: true, delivery: fromDeliveryItem(item) };
      const existing = await read(delivery.blobId);
      if (!existing) throw new Error(`delivery for blob ${delivery.blobId} vanished while it was being created`);
      return { created: false, delivery: fromItem(existing) };
    },

    get: async (blobId) => {
      const item = await read(blobId);
      return item && fromItem(item);
    },

    claim: (blobId, { messageId, now }) => claim(blobId, messageId, now),

    recordAttempt: (blobId, attempt, outcome, now) => {
      const optional = setOrRemove({
        last_status_code: outcome.statusCode,
        last_error: outcome.result === 'delivered' ? undefined : outcome.error,
        next_attempt_at: outcome.result === 'retry' ? outcome.nextAttemptAt : undefined,
      });
      return update(blobId, {
        set: ['#status = :status', 'dead_letter = :deadLetter', 'updated_at = :now', ...optional.set],
        remove: optional.remove,
        condition: '#status = :pending AND attempts = :attempt',
        values: {
          ...optional.values,
          ':status': outcome.result === 'retry' ? 'pending' : outcome.result,
          ':deadLetter': outcome.result === 'failed' && outcome.deadLetter,
          ':now': now.toISOString(),
          ':pending': 'pending',
          ':attempt': attempt,
        },
      });
    },

    markOutcomePublished: async (blobId) => {
      await update(blobId, {
        set: ['outcome_published = :true'],
        condition: '#status IN (:delivered, :failed)',
        values: { ':true': true, ':delivered': 'delivered', ':failed': 'failed' },
      });
    },

    resetForRedrive: (blobId, now) =>
      update(blobId, {
        set: [
          '#status = :pending',
          'cycle_attempts = :zero',
          'dead_letter = :false',
          'outcome_published = :false',
          'updated_at = :now',
        ],
        remove: ['owner_message_id', 'next_attempt_at'],
        condition: '#status IN (:pending, :failed)',
        values: { ':pending': 'pending', ':failed': 'failed', ':zero': 0, ':false': false, ':now': now.toISOString() },
      }),

    markDeleted: async (blobId, { tenantId, deletedAt, now }) => {
      const result = await unlessConditionFails(
        client.send(
          new UpdateCommand({
            TableName,
            Key: { blob_id: blobId },
            UpdateExpression: TOMBSTONE_UPDATE,
            ConditionExpression: 'attribute_not_exists(blob_id) OR #status <> :deleted',
            ExpressionAttributeNames: TOMBSTONE_NAMES,
            ExpressionAttributeValues: {
              ':deleted': 'deleted',
              ':deletedAt': deletedAt,
              ':now': now.toISOString(),
              ':tenantId': tenantId,
              ':deleteAfter': expiresAtEpochSeconds(now, config.recordRetentionDays),
              ':zero': 0,
              ':one': 1,
            },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      // Refused: a tombstone already, which stays as it is.
      if (!result) return 'deleted';
      return (result.Attributes as StoredItem | undefined)?.status;
    },
  };
};
