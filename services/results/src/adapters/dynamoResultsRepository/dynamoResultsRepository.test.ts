import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BlobView } from '@imgrec/shared';
import { startDynamoEmulator, type DynamoEmulator, createHashKeyTable } from '@imgrec/shared/aws/testing';
import { buildDynamoResultsRepository } from './dynamoResultsRepository.js';

const TABLE = 'results';
const BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

const view: BlobView = {
  blob_id: BLOB_ID,
  status: 'processing',
  options: { min_confidence: 55, max_labels: 20 },
  created_at: '2026-11-27T12:00:00.000Z',
  updated_at: '2026-11-27T12:00:30.000Z',
};

describe('buildDynamoResultsRepository', () => {
  let emulator: DynamoEmulator;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    emulator = await startDynamoEmulator();
    documents = emulator.newDocumentClient();
    await createHashKeyTable(documents, TABLE, 'blob_id');
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('stores the view as a map with its owner and status at the top level and a version every write bumps', async () => {
    const repository = buildDynamoResultsRepository(documents, { tableName: TABLE });
    await repository.apply(BLOB_ID, () => ({ tenantId: 'tnt_owner', view: { ...view, status: 'awaiting_upload' } }));
    // A field set to undefined (as spreads can leave) is dropped rather than refused by DynamoDB.
    await repository.apply(BLOB_ID, () => ({ tenantId: 'tnt_owner', view: { ...view, completed_at: undefined } }));

    const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: { blob_id: BLOB_ID } }));
    expect(Item).toStrictEqual({ blob_id: BLOB_ID, version: 2, tenant_id: 'tnt_owner', status: 'processing', view });
  });

  it('refuses to serve a view whose item names no owner', async () => {
    await documents.send(
      new PutCommand({ TableName: TABLE, Item: { blob_id: 'CCCCCCCCCCCCCCCCCCCCCC', version: 1, view } }),
    );
    const repository = buildDynamoResultsRepository(documents, { tableName: TABLE });
    await expect(repository.get('CCCCCCCCCCCCCCCCCCCCCC')).rejects.toThrow();
  });

  it('refuses to serve a stored view that does not match the contract', async () => {
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          blob_id: 'BBBBBBBBBBBBBBBBBBBBBB',
          version: 1,
          tenant_id: 'tnt_owner',
          view: { blob_id: 'BBBBBBBBBBBBBBBBBBBBBB' },
        },
      }),
    );
    const repository = buildDynamoResultsRepository(documents, { tableName: TABLE });
    await expect(repository.get('BBBBBBBBBBBBBBBBBBBBBB')).rejects.toThrow();
  });
});
