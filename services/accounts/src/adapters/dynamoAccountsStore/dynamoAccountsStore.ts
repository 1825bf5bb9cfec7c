import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '@imgrec/shared';
import { isConditionalCheckFailure, unlessConditionFails } from '@imgrec/shared/aws';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { AccountsStore, ApiKeyRecord, Tenant } from '../../ports.js';
import { storedApiKeySchema, storedTenantSchema } from '../storedAccounts/storedAccounts.js';

export interface DynamoAccountsStoreConfig {
  tableName: string;
}

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

// The single-table layout of AccountsTable (see the comment on it in services/accounts/serverless.yml).
const TENANTS_PK = 'tenants';
const tenantItemKey = (tenantId: string): Key => ({ pk: TENANTS_PK, sk: tenantId });
const tenantKeysPk = (tenantId: string) => `tenant#${tenantId}`;
const tenantKeyListingKey = (tenantId: string, keyId: string): Key => ({
  pk: tenantKeysPk(tenantId),
  sk: `key#${keyId}`,
});
const KEY_HASH_PREFIX = 'keyhash#';
const keyHashItemKey = (keyHash: string): Key => ({ pk: `${KEY_HASH_PREFIX}${keyHash}`, sk: 'keyhash' });
const keyIdItemKey = (keyId: string): Key => ({ pk: `keyid#${keyId}`, sk: 'keyid' });

/** BatchGetItem reads at most this many items per request. */
const BATCH_GET_LIMIT = 100;
/** Rounds of BatchGetItem for the keys DynamoDB left unprocessed (it does under throttling) before giving up. */
const MAX_BATCH_GET_ROUNDS = 5;

const decodeTenant = (item: Item): Tenant => storedTenantSchema.parse(item);

/** The key record lives under its hash, so the hash comes from the item's partition key. */
const decodeKey = (item: Item): ApiKeyRecord =>
  storedApiKeySchema.parse({ ...item, key_hash: z.string().parse(item.pk).slice(KEY_HASH_PREFIX.length) });

/** Code unit order, as SQLite's default collation compares text. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Oldest first; records created in the same millisecond by id, the order the SQLite adapter's queries give. */
const byCreation =
  <T extends { created_at: string }>(id: (record: T) => string) =>
  (a: T, b: T): number =>
    compareText(a.created_at, b.created_at) || compareText(id(a), id(b));

/** Why each item of a cancelled transaction failed, in the order of the items; undefined for any other error. */
const cancellationReasons = (error: unknown): string[] | undefined =>
  error instanceof Error && error.name === 'TransactionCanceledException'
    ? ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code ?? 'None')
    : undefined;

/**
 * The accounts store on DynamoDB (aws mode), one table: tenants under pk `tenants`; each tenant's key listing under
 * pk `tenant#<tenant_id>`; each key's record under pk `keyhash#<sha256>`, where the authorizer looks a presented key up; and a
 * pointer from `keyid#<key_id>` to the hash, for revocation. A key's items are written in one transaction, checked
 * against its tenant. Reads are strongly consistent, so a revocation or a disabled tenant counts at the next read.
 */
export const buildDynamoAccountsStore = (
  client: DynamoDBDocumentClient,
  config: DynamoAccountsStoreConfig,
): AccountsStore => {
  const TableName = config.tableName;

  const getItem = async (key: Key): Promise<Item | undefined> =>
    (await client.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }))).Item;

  const queryAll = async (pk: string): Promise<Item[]> => {
    const items: Item[] = [];
    const pages = paginateQuery(
      { client },
      {
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  };

  const batchGet = async (keys: Key[]): Promise<Item[]> => {
    const items: Item[] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      let pending: Item[] = keys.slice(start, start + BATCH_GET_LIMIT);
      for (let round = 1; pending.length > 0; round += 1) {
        if (round > MAX_BATCH_GET_ROUNDS) throw new Error('DynamoDB kept API key records unprocessed; try again');
        // Unprocessed keys mean throttling: back off before asking again (50, 100, 200, 400 ms).
        if (round > 1) await sleep(50 * 2 ** (round - 2));
        const { Responses, UnprocessedKeys } = await client.send(
          new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(Responses?.[TableName] ?? []));
        pending = UnprocessedKeys?.[TableName]?.Keys ?? [];
      }
    }
    return items;
  };

  return {
    createTenant: async (tenant) => {
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: {
              ...tenantItemKey(tenant.tenant_id),
              tenant_id: tenant.tenant_id,
              name: tenant.name,
              status: tenant.status,
              ...(tenant.max_blobs_per_day !== undefined && { max_blobs_per_day: tenant.max_blobs_per_day }),
              created_at: tenant.created_at,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailure(error)) {
          throw new ConflictError('tenant_exists', `A tenant with the id ${tenant.tenant_id} exists.`);
        }
        throw error;
      }
    },

    getTenant: async (tenantId) => {
      const item = await getItem(tenantItemKey(tenantId));
      return item && decodeTenant(item);
    },

    listTenants: async () =>
      (await queryAll(TENANTS_PK)).map(decodeTenant).sort(byCreation((tenant) => tenant.tenant_id)),

    setTenantStatus: async (tenantId, status) => {
      // The condition keeps the update from creating a tenant; an unknown one is answered with undefined.
      const updated = await unlessConditionFails(
        client.send(
          new UpdateCommand({
            TableName,
            Key: tenantItemKey(tenantId),
            UpdateExpression: 'SET #status = :status',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': status },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return updated && decodeTenant(updated.Attributes ?? {});
    },

    createKey: async (key) => {
      const exclusive = { TableName, ConditionExpression: 'attribute_not_exists(pk)' };
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              // First, so that its failure is the first cancellation reason.
              {
                ConditionCheck: {
                  TableName,
                  Key: tenantItemKey(key.tenant_id),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
              {
                Put: {
                  ...exclusive,
                  Item: {
                    ...keyHashItemKey(key.key_hash),
                    tenant_id: key.tenant_id,
                    key_id: key.key_id,
                    created_at: key.created_at,
                    ...(key.expires_at !== undefined && { expires_at: key.expires_at }),
                    ...(key.revoked_at !== undefined && { revoked_at: key.revoked_at }),
                  },
                },
              },
              { Put: { ...exclusive, Item: { ...keyIdItemKey(key.key_id), key_hash: key.key_hash } } },
              {
                Put: {
                  ...exclusive,
                  Item: {
                    ...tenantKeyListingKey(key.tenant_id, key.key_id),
                    key_id: key.key_id,
                    key_hash: key.key_hash,
                  },
                },
              },
            ],
          }),
        );
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[0] === 'ConditionalCheckFailed') {
          throw new NotFoundError('tenant_not_found', `No tenant has the id ${key.tenant_id}.`);
        }
        if (reasons?.includes('ConditionalCheckFailed')) {
          throw new ConflictError('key_exists', 'An API key with this id or hash exists.');
        }
        throw error;
      }
    },

    listKeys: async (tenantId) => {
      const listing = await queryAll(tenantKeysPk(tenantId));
      const hashes = listing.map((item) => z.string().parse(item.key_hash));
      const records = await batchGet(hashes.map(keyHashItemKey));
      return records.map(decodeKey).sort(byCreation((key) => key.key_id));
    },

    revokeKey: async (keyId, revokedAt) => {
      const pointer = await getItem(keyIdItemKey(keyId));
      if (!pointer) return undefined;
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName,
            Key: keyHashItemKey(z.string().parse(pointer.key_hash)),
            // if_not_exists keeps the first revocation time when a key is revoked again.
            UpdateExpression: 'SET revoked_at = if_not_exists(revoked_at, :revoked_at)',
            // Never let the update create a record that has no key in it.
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':revoked_at': revokedAt },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return decodeKey(Attributes ?? {});
      } catch (error) {
        if (isConditionalCheckFailure(error)) throw new Error(`API key ${keyId} has no record under its hash`);
        throw error;
      }
    },

    findKeyByHash: async (keyHash) => {
      const keyItem = await getItem(keyHashItemKey(keyHash));
      if (!keyItem) return undefined;
      const key = decodeKey(keyItem);
      const tenantItem = await getItem(tenantItemKey(key.tenant_id));
      // Tenants are never deleted, so this is a damaged table: fail rather than guess.
      if (!tenantItem) throw new Error(`API key ${key.key_id} belongs to no tenant`);
      return { key, tenant: decodeTenant(tenantItem) };
    },
  };
};
