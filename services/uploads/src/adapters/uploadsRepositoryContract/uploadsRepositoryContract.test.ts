import { afterAll, beforeAll } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  EMULATOR_CLIENT_CONFIG,
  startDynamoEmulator,
  type DynamoEmulator,
  createHashKeyTable,
} from '@imgrec/shared/aws/testing';
import { openDatabase } from '@imgrec/shared/local';
import { buildDynamoUploadsRepository } from '../awsDynamoUploadsRepository/awsDynamoUploadsRepository.js';
import { buildSqliteUploadsRepository } from '../sqliteUploadsRepository/sqliteUploadsRepository.js';
import { describeUploadsRepositoryContract } from './uploadsRepositoryContract.js';

describeUploadsRepositoryContract('SQLite', (now) => buildSqliteUploadsRepository(openDatabase(':memory:'), now));

let emulator: DynamoEmulator;
let dynamo: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  emulator = await startDynamoEmulator();
  dynamo = new DynamoDBClient({ ...EMULATOR_CLIENT_CONFIG, endpoint: emulator.endpoint });
});

afterAll(async () => {
  dynamo.destroy();
  await emulator.stop();
});

describeUploadsRepositoryContract('DynamoDB (dynalite)', async (now) => {
  // A fresh table per test, keyed like UploadsTable in services/uploads/serverless.yml.
  const tableName = `uploads-${(tables += 1)}`;
  await createHashKeyTable(dynamo, tableName, 'pk');
  return buildDynamoUploadsRepository(DynamoDBDocumentClient.from(dynamo), { tableName, now });
});
