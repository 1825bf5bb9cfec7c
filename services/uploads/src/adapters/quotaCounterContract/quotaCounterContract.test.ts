import { afterAll, beforeAll } from '@jest/globals';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoEmulator, type DynamoEmulator, createHashKeyTable } from '@imgrec/shared/aws/testing';
import { openDatabase } from '@imgrec/shared/local';
import { buildDynamoQuotaCounter } from '../awsDynamoQuotaCounter/awsDynamoQuotaCounter.js';
import { buildSqliteQuotaCounter } from '../sqliteQuotaCounter/sqliteQuotaCounter.js';
import { describeQuotaCounterContract } from './quotaCounterContract.js';

describeQuotaCounterContract('SQLite', () => buildSqliteQuotaCounter(openDatabase(':memory:')));

let emulator: DynamoEmulator;
let documents: DynamoDBDocumentClient;
let tables = 0;

beforeAll(async () => {
  emulator = await startDynamoEmulator();
  documents = emulator.newDocumentClient();
});

afterAll(async () => {
  await emulator.stop();
});

describeQuotaCounterContract('DynamoDB (dynalite)', async () => {
  // A fresh table per test, keyed like UploadsTable in services/uploads/serverless.yml.
  const tableName = `quota-${(tables += 1)}`;
  await createHashKeyTable(documents, tableName, 'pk');
  return buildDynamoQuotaCounter(documents, { tableName });
});
