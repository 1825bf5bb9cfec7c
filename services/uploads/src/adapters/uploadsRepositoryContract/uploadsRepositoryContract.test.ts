import { afterAll, beforeAll } from '@jest/globals';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoEmulator, type DynamoEmulator, createHashKeyTable } from '@imgrec/shared/aws/testing';
import { openDatabase } from '@imgrec/shared/local';
import { buildDynamoUploadsRepository } from '../awsDynamoUploadsRepository/awsDynamoUploadsRepository.js';
import { buildSqliteUploadsRepository } from '../sqliteUploadsRepository/sqliteUploadsRepository.js';
import { describeUploadsRepositoryContract } from './uploadsRepositoryContract.js';

describeUploadsRepositoryContract('SQLite', (now) => buildSqliteUploadsRepository(openDatabase(':memory:'), now));

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

describeUploadsRepositoryContract('DynamoDB (dynalite)', async (now) => {
  // A fresh table per test, keyed like UploadsTable in services/uploads/serverless.yml.
  const tableName = `uploads-${(tables += 1)}`;
  await createHashKeyTable(documents, tableName, 'pk');
  return buildDynamoUploadsRepository(documents, { tableName, recordRetentionDays: 90, now });
});
