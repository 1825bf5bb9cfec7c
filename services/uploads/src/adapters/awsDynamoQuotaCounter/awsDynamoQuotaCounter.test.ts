import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoEmulator, type DynamoEmulator, createHashKeyTable } from '@imgrec/shared/aws/testing';
import { UPLOADS_TABLE_TTL_ATTRIBUTE } from '../awsDynamoUploadsRepository/awsDynamoUploadsRepository.js';
import { buildDynamoQuotaCounter } from './awsDynamoQuotaCounter.js';

const TABLE = 'uploads';

describe('buildDynamoQuotaCounter', () => {
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

  it('keeps a tenant’s count for a day in one item that expires two days after the day began', async () => {
    const counter = buildDynamoQuotaCounter(documents, { tableName: TABLE });
    await counter.tryConsume('tnt_a', '2026-11-27', 10);
    await counter.tryConsume('tnt_a', '2026-11-27', 10);

    const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: { pk: 'quota#tnt_a#2026-11-27' } }));
    expect(Item).toEqual({
      pk: 'quota#tnt_a#2026-11-27',
      blobs: 2,
      [UPLOADS_TABLE_TTL_ATTRIBUTE]: Date.parse('2026-11-29T00:00:00.000Z') / 1000,
    });
  });
});
