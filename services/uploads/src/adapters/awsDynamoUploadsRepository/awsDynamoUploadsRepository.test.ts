import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoEmulator, type DynamoEmulator, createHashKeyTable } from '@imgrec/shared/aws/testing';
import { IDEMPOTENCY_WINDOW_MS, type UploadRecord } from '../../ports.js';
import { buildDynamoUploadsRepository, UPLOADS_TABLE_TTL_ATTRIBUTE } from './awsDynamoUploadsRepository.js';

const TABLE = 'uploads';
const T0 = Date.parse('2026-11-27T12:00:00.000Z');

const record: UploadRecord = {
  blob_id: 'q1Xw3-_9ZkLmNoPqRsTuVw',
  tenant_id: 'tnt_a',
  content_type: 'image/jpeg',
  options: { min_confidence: 55, max_labels: 20 },
  created_at: '2026-11-27T12:00:00.000Z',
  expires_at: '2026-11-27T12:10:00.000Z',
};

describe('buildDynamoUploadsRepository', () => {
  let emulator: DynamoEmulator;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    emulator = await startDynamoEmulator();
    documents = emulator.newDocumentClient();
    await createHashKeyTable(documents, TABLE, 'pk');
  });

  afterAll(async () => {
    await emulator.stop();
  });

  const item = async (pk: string) => (await documents.send(new GetCommand({ TableName: TABLE, Key: { pk } }))).Item;

  it('keeps an Idempotency-Key under its tenant with a TTL at the end of its window, the upload until its retention', async () => {
    const repository = buildDynamoUploadsRepository(documents, {
      tableName: TABLE,
      recordRetentionDays: 90,
      now: () => new Date(T0),
    });
    await repository.create(record, {
      key: 'order-42',
      requestHash: 'hash',
      response: {
        blob_id: record.blob_id,
        upload_url: 'https://images.example.com/upload',
        upload_method: 'PUT',
        upload_headers: {},
        expires_at: record.expires_at,
        status_url: `https://api.example.com/blobs/${record.blob_id}`,
      },
    });

    expect(await item('idempotency#tnt_a#order-42')).toMatchObject({
      created_at_ms: T0,
      [UPLOADS_TABLE_TTL_ATTRIBUTE]: (T0 + IDEMPOTENCY_WINDOW_MS) / 1000,
    });
    // Created 2026-11-27T12:00:00Z, kept 90 days.
    expect(await item(`upload#${record.blob_id}`)).toMatchObject({
      [UPLOADS_TABLE_TTL_ATTRIBUTE]: Date.parse('2027-02-25T12:00:00.000Z') / 1000,
    });
    expect(await repository.get(record.blob_id)).not.toHaveProperty(UPLOADS_TABLE_TTL_ATTRIBUTE);
  });
});
