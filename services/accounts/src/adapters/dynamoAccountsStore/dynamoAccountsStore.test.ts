import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
  type BatchGetCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { EMULATOR_CLIENT_CONFIG, startDynamoEmulator, type DynamoEmulator } from '@imgrec/shared/aws/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { hashApiKey } from '../../apiKeys/apiKeys.js';
import type { ApiKeyRecord, Tenant } from '../../ports.js';
import { createAccountsTable, emulateTransactWriteItems } from '../../testing/accountsTable.js';
import { buildDynamoAccountsStore } from './dynamoAccountsStore.js';

const tenant: Tenant = {
  tenant_id: 'tnt_a0000000000000000001',
  name: 'Acme Corp',
  status: 'active',
  max_blobs_per_day: 500,
  created_at: '2026-11-27T12:00:00.000Z',
};

const key: ApiKeyRecord = {
  key_id: 'key_00000000000000000001',
  tenant_id: tenant.tenant_id,
  key_hash: hashApiKey('imgrec_sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
  created_at: '2026-11-27T12:00:00.000Z',
  expires_at: '2027-11-27T12:00:00.000Z',
};

const REVOKED_AT = '2026-11-28T09:00:00.000Z';

describe('buildDynamoAccountsStore', () => {
  let emulator: DynamoEmulator;
  let tables = 0;

  beforeAll(async () => {
    emulator = await startDynamoEmulator();
  });

  afterAll(async () => {
    await emulator.stop();
  });

  const freshTable = async () => {
    const tableName = `accounts-${(tables += 1)}`;
    const client = emulator.newDocumentClient();
    emulateTransactWriteItems(client);
    await createAccountsTable(client, tableName);
    return { client, tableName, store: buildDynamoAccountsStore(client, { tableName }) };
  };

  it('keeps tenants, key listings, key records and key id pointers in the one table, no key in clear', async () => {
    const { client, tableName, store } = await freshTable();
    await store.createTenant(tenant);
    await store.createKey(key);
    await store.revokeKey(key.key_id, REVOKED_AT);

    const { Items } = await client.send(new ScanCommand({ TableName: tableName }));
    const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      `${String(a.pk)} ${String(a.sk)}`.localeCompare(`${String(b.pk)} ${String(b.sk)}`);
    expect(Items?.sort(byKey)).toStrictEqual(
      [
        { pk: 'tenants', sk: tenant.tenant_id, ...tenant },
        { pk: `tenant#${tenant.tenant_id}`, sk: `key#${key.key_id}`, key_id: key.key_id, key_hash: key.key_hash },
        {
          pk: `keyhash#${key.key_hash}`,
          sk: 'keyhash',
          tenant_id: tenant.tenant_id,
          key_id: key.key_id,
          created_at: key.created_at,
          expires_at: key.expires_at,
          revoked_at: REVOKED_AT,
        },
        { pk: `keyid#${key.key_id}`, sk: 'keyid', key_hash: key.key_hash },
      ].sort(byKey),
    );
  });

  it('reads a presented key with two strongly consistent GetItem calls, all the authorizer’s role allows', async () => {
    const { client, store } = await freshTable();
    await store.createTenant(tenant);
    await store.createKey(key);
    const calls: { command: string | undefined; input: unknown }[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push({ command: context.commandName, input: args.input });
        return next(args);
      },
      { step: 'initialize', name: 'recordCalls' },
    );

    expect(await store.findKeyByHash(key.key_hash)).toStrictEqual({ key, tenant });

    expect(calls.map(({ command }) => command)).toStrictEqual(['GetItemCommand', 'GetItemCommand']);
    expect(calls.map(({ input }) => input)).toMatchObject([{ ConsistentRead: true }, { ConsistentRead: true }]);
  });

  it('refuses to serve a stored item that does not match the port’s records', async () => {
    const { client, tableName, store } = await freshTable();
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'tenants', sk: tenant.tenant_id, ...tenant, status: 'gone' },
      }),
    );
    await expect(store.getTenant(tenant.tenant_id)).rejects.toThrow();
  });

  it('fails, rather than guess, on a key whose tenant is missing from a damaged table', async () => {
    const { client, tableName, store } = await freshTable();
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: `keyhash#${key.key_hash}`,
          sk: 'keyhash',
          tenant_id: 'tnt_f0000000000000000000',
          key_id: key.key_id,
          created_at: key.created_at,
        },
      }),
    );
    await expect(store.findKeyByHash(key.key_hash)).rejects.toThrow(`API key ${key.key_id} belongs to no tenant`);
  });

  it('fails, rather than create a record, when a key id points at a hash with no record', async () => {
    const { client, tableName, store } = await freshTable();
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `keyid#${key.key_id}`, sk: 'keyid', key_hash: key.key_hash },
      }),
    );
    await expect(store.revokeKey(key.key_id, REVOKED_AT)).rejects.toThrow(
      `API key ${key.key_id} has no record under its hash`,
    );
    expect(await store.findKeyByHash(key.key_hash)).toBeUndefined();
  });

  describe('listing many keys', () => {
    const TABLE = 'accounts';
    const keyNumber = (n: number) => String(n).padStart(20, '0');
    const records = Array.from({ length: 150 }, (_, n) => ({
      pk: `keyhash#${hashApiKey(`imgrec_sk_${keyNumber(n)}`)}`,
      sk: 'keyhash',
      tenant_id: tenant.tenant_id,
      key_id: `key_${keyNumber(n)}`,
      created_at: new Date(Date.UTC(2026, 10, 27, 12, 0, n)).toISOString(),
    }));
    const listing = records.map((record) => ({
      pk: `tenant#${tenant.tenant_id}`,
      sk: `key#${record.key_id}`,
      key_id: record.key_id,
      key_hash: record.pk.slice('keyhash#'.length),
    }));
    const recordsOf = (input: BatchGetCommandInput) => {
      const wanted = new Set((input.RequestItems?.[TABLE]?.Keys ?? []).map((itemKey) => itemKey.pk as string));
      return records.filter((record) => wanted.has(record.pk));
    };

    // DynamoDB leaves keys unprocessed under throttling, which dynalite never does.
    const mockedStore = () => {
      const client = DynamoDBDocumentClient.from(new DynamoDBClient(EMULATOR_CLIENT_CONFIG));
      const mock = mockClient(client);
      mock.on(QueryCommand).resolves({ Items: listing });
      return { client, mock, store: buildDynamoAccountsStore(client, { tableName: TABLE }) };
    };

    it('reads the records a hundred at a time and asks again for those DynamoDB left unprocessed', async () => {
      const { client, mock, store } = mockedStore();
      let calls = 0;
      mock.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
        calls += 1;
        const wanted = input.RequestItems?.[TABLE]?.Keys ?? [];
        // The first answer leaves half of its keys for later.
        const [now, later] = calls === 1 ? [wanted.slice(0, 50), wanted.slice(50)] : [wanted, []];
        return {
          Responses: { [TABLE]: recordsOf({ RequestItems: { [TABLE]: { Keys: now } } }) },
          ...(later.length > 0 && { UnprocessedKeys: { [TABLE]: { Keys: later, ConsistentRead: true } } }),
        };
      });
      try {
        const keys = await store.listKeys(tenant.tenant_id);

        expect(keys.map((listed) => listed.key_id)).toStrictEqual(records.map((record) => record.key_id));
        const batches = mock.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]);
        expect(batches.map((batch) => batch?.Keys?.length)).toStrictEqual([100, 50, 50]);
        expect(batches.every((batch) => batch?.ConsistentRead === true)).toBe(true);
      } finally {
        mock.restore();
        client.destroy();
      }
    });

    it('gives up when DynamoDB keeps leaving keys unprocessed', async () => {
      const { client, mock, store } = mockedStore();
      mock.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
        Responses: { [TABLE]: [] },
        UnprocessedKeys: input.RequestItems,
      }));
      try {
        await expect(store.listKeys(tenant.tenant_id)).rejects.toThrow(
          'DynamoDB kept API key records unprocessed; try again',
        );
        expect(mock.commandCalls(BatchGetCommand)).toHaveLength(5);
      } finally {
        mock.restore();
        client.destroy();
      }
    });
  });
});
