import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BlobView } from '@imgrec/shared';
import { startDynamoEmulator, type DynamoEmulator } from '@imgrec/shared/aws/testing';
import { createResultsTable } from '../../testing/resultsTable.js';
import { buildDynamoResultsRepository } from './dynamoResultsRepository.js';

const TABLE = 'results';
const BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const CONFIG = { tableName: TABLE, recordRetentionDays: 90 };
const NOW = new Date('2026-11-27T12:30:00.000Z');

/** 2026-11-27T12:00:00Z, when the view was created, plus 90 days, in epoch seconds. */
const DELETE_AFTER = Date.parse('2027-02-25T12:00:00.000Z') / 1000;

const view: BlobView = {
  blob_id: BLOB_ID,
  status: 'processing',
  options: { min_confidence: 55, max_labels: 20, features: ['labels'] },
  created_at: '2026-11-27T12:00:00.000Z',
  updated_at: '2026-11-27T12:00:30.000Z',
};

describe('buildDynamoResultsRepository', () => {
  let emulator: DynamoEmulator;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    emulator = await startDynamoEmulator();
    documents = emulator.newDocumentClient();
    await createResultsTable(documents, TABLE);
  });

  afterAll(async () => {
    await emulator.stop();
  });

  const itemOf = async (blobId: string) =>
    (await documents.send(new GetCommand({ TableName: TABLE, Key: { blob_id: blobId } }))).Item;

  it('stores the view as a map with its owner, status, index key and TTL at the top level and a version every write bumps', async () => {
    const repository = buildDynamoResultsRepository(documents, CONFIG);
    const expiresAt = '2026-11-27T12:10:00.000Z';
    await repository.apply(BLOB_ID, () => ({
      tenantId: 'tnt_owner',
      view: { ...view, status: 'awaiting_upload' },
      expiresAt,
    }));
    // A field set to undefined (as spreads can leave) is dropped rather than refused by DynamoDB.
    await repository.apply(BLOB_ID, () => ({
      tenantId: 'tnt_owner',
      view: { ...view, completed_at: undefined },
      expiresAt,
    }));

    expect(await itemOf(BLOB_ID)).toStrictEqual({
      blob_id: BLOB_ID,
      version: 2,
      tenant_id: 'tnt_owner',
      status: 'processing',
      view,
      expires_at: expiresAt,
      created_key: `2026-11-27T12:00:00.000Z#${BLOB_ID}`,
      delete_after: DELETE_AFTER,
    });
  });

  it('replaces a deleted blob’s item with a tombstone: out of the index, kept for the retention from the deletion', async () => {
    const repository = buildDynamoResultsRepository(documents, CONFIG);
    const blobId = 'DDDDDDDDDDDDDDDDDDDDDD';
    await repository.apply(blobId, () => ({ tenantId: 'tnt_owner', view, expiresAt: '2026-11-27T12:10:00.000Z' }));
    await repository.apply(blobId, () => ({ tenantId: 'tnt_owner', deletedAt: '2026-11-28T12:00:00.000Z' }));

    expect(await itemOf(blobId)).toStrictEqual({
      blob_id: blobId,
      version: 2,
      tenant_id: 'tnt_owner',
      deleted_at: '2026-11-28T12:00:00.000Z',
      delete_after: DELETE_AFTER + 86_400,
    });
  });

  it('lists through the by_tenant_created index, newest first, and never scans', async () => {
    const sent: { name: string; input: unknown }[] = [];
    const spied = emulator.newDocumentClient();
    spied.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push({ name: String(context.commandName), input: args.input });
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    const repository = buildDynamoResultsRepository(spied, CONFIG);

    await repository.list('tnt_lister', { status: 'failed', limit: 5, now: NOW });

    expect(sent).toStrictEqual([
      {
        name: 'QueryCommand',
        input: expect.objectContaining({ TableName: TABLE, IndexName: 'by_tenant_created', ScanIndexForward: false }),
      },
    ]);
  });

  it('refuses to serve a view whose item names no owner', async () => {
    await documents.send(
      new PutCommand({ TableName: TABLE, Item: { blob_id: 'CCCCCCCCCCCCCCCCCCCCCC', version: 1, view } }),
    );
    const repository = buildDynamoResultsRepository(documents, CONFIG);
    await expect(repository.get('CCCCCCCCCCCCCCCCCCCCCC', NOW)).rejects.toThrow();
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
    const repository = buildDynamoResultsRepository(documents, CONFIG);
    await expect(repository.get('BBBBBBBBBBBBBBBBBBBBBB', NOW)).rejects.toThrow();
  });
});
