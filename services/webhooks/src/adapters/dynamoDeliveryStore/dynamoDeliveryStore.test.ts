import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoEmulator, type DynamoEmulator, createHashKeyTable } from '@imgrec/shared/aws/testing';
import { describeDeliveryStoreContract } from '../deliveryStoreContract.js';
import { buildDynamoDeliveryStore } from './dynamoDeliveryStore.js';

const T0 = new Date('2026-11-27T12:00:00.000Z');

let emulator: DynamoEmulator;
let tables = 0;

const documentClient = () => emulator.newDocumentClient();

/** A fresh table, keyed like DeliveriesTable in services/webhooks/serverless.yml. */
const createTable = async (): Promise<string> => {
  const TableName = `deliveries-${(tables += 1)}`;
  await createHashKeyTable(documentClient(), TableName, 'blob_id');
  return TableName;
};

const newDelivery = {
  blobId: 'blob_1',
  tenantId: 'tenant_a',
  webhookId: 'msg_blob_1',
  url: 'https://hooks.example.com/',
  eventType: 'blob.labels_detected' as const,
  payload: '{"type":"blob.labels_detected"}',
  now: T0,
};

beforeAll(async () => {
  emulator = await startDynamoEmulator();
});

afterAll(async () => {
  await emulator.stop();
});

describeDeliveryStoreContract('DynamoDB (dynalite)', async () =>
  buildDynamoDeliveryStore(documentClient(), { tableName: await createTable(), recordRetentionDays: 90 }),
);

describe('buildDynamoDeliveryStore', () => {
  it('keeps a delivery as one item, without attributes for what it does not have yet', async () => {
    const tableName = await createTable();
    const client = documentClient();
    const store = buildDynamoDeliveryStore(client, { tableName, recordRetentionDays: 90 });
    await store.create(newDelivery);
    await store.claim('blob_1', { messageId: 'm1', now: T0 });
    await store.recordAttempt('blob_1', 1, { result: 'delivered', statusCode: 204 }, T0);

    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { blob_id: 'blob_1' } }));
    expect(Item).toStrictEqual({
      blob_id: 'blob_1',
      tenant_id: 'tenant_a',
      webhook_id: 'msg_blob_1',
      url: 'https://hooks.example.com/',
      event_type: 'blob.labels_detected',
      payload: '{"type":"blob.labels_detected"}',
      status: 'delivered',
      attempts: 1,
      cycle_attempts: 1,
      owner_message_id: 'm1',
      last_attempt_at: T0.toISOString(),
      last_status_code: 204,
      dead_letter: false,
      outcome_published: false,
      created_at: T0.toISOString(),
      updated_at: T0.toISOString(),
      delete_after: Date.parse('2027-02-25T12:00:00.000Z') / 1000,
      version: 3,
    });
  });

  it("keeps of a deleted blob's delivery only its owner, its dates and its expiry, which a tombstone alone gets too", async () => {
    const tableName = await createTable();
    const client = documentClient();
    const store = buildDynamoDeliveryStore(client, { tableName, recordRetentionDays: 90 });
    const deletedAt = new Date('2026-11-28T12:00:00.000Z');
    await store.create(newDelivery);
    await store.claim('blob_1', { messageId: 'm1', now: T0 });
    await store.markDeleted('blob_1', { tenantId: 'tenant_a', deletedAt: deletedAt.toISOString(), now: deletedAt });
    await store.markDeleted('blob_2', { tenantId: 'tenant_a', deletedAt: deletedAt.toISOString(), now: deletedAt });

    const item = async (blobId: string) =>
      (await client.send(new GetCommand({ TableName: tableName, Key: { blob_id: blobId } }))).Item;
    expect(await item('blob_1')).toStrictEqual({
      blob_id: 'blob_1',
      tenant_id: 'tenant_a',
      status: 'deleted',
      deleted_at: deletedAt.toISOString(),
      created_at: T0.toISOString(),
      updated_at: deletedAt.toISOString(),
      delete_after: Date.parse('2027-02-25T12:00:00.000Z') / 1000,
      version: 3,
    });
    expect(await item('blob_2')).toStrictEqual({
      blob_id: 'blob_2',
      tenant_id: 'tenant_a',
      status: 'deleted',
      deleted_at: deletedAt.toISOString(),
      created_at: deletedAt.toISOString(),
      updated_at: deletedAt.toISOString(),
      delete_after: Date.parse('2027-02-26T12:00:00.000Z') / 1000,
      version: 1,
    });
  });

  it('decides again when another message claimed the delivery between its read and its write', async () => {
    const tableName = await createTable();
    const other = buildDynamoDeliveryStore(documentClient(), { tableName, recordRetentionDays: 90 });
    const racing = documentClient();
    // The other claim runs to its end just before this store's conditional update goes out, as a real race would.
    let interleave: (() => Promise<unknown>) | undefined = () => other.claim('blob_1', { messageId: 'm2', now: T0 });
    racing.middlewareStack.add(
      (next) => async (args) => {
        const run = interleave;
        if (run && 'UpdateExpression' in (args.input as object)) {
          interleave = undefined;
          await run();
        }
        return next(args);
      },
      { step: 'initialize', name: 'interleaveAnotherClaim' },
    );
    const store = buildDynamoDeliveryStore(racing, { tableName, recordRetentionDays: 90 });
    await store.create(newDelivery);

    expect(await store.claim('blob_1', { messageId: 'm1', now: T0 })).toMatchObject({
      kind: 'duplicate',
      delivery: { ownerMessageId: 'm2', attempts: 1 },
    });
  });
});
