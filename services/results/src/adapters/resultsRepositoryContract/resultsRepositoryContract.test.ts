import { afterAll, beforeAll } from '@jest/globals';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoEmulator, type DynamoEmulator } from '@imgrec/shared/aws/testing';
import { openDatabase } from '@imgrec/shared/local';
import { buildDynamoResultsRepository } from '../dynamoResultsRepository/dynamoResultsRepository.js';
import { buildSqliteResultsRepository } from '../sqliteResultsRepository/sqliteResultsRepository.js';
import { createResultsTable } from '../../testing/resultsTable.js';
import { SAMPLE_TENANT_ID } from '../../testing/sampleViews.js';
import {
  CONTRACT_BLOB_ID,
  CONTRACT_RETENTION,
  describeResultsRepositoryContract,
} from './resultsRepositoryContract.js';

describeResultsRepositoryContract('SQLite', () => {
  const db = openDatabase(':memory:');
  return {
    repository: buildSqliteResultsRepository(db, CONTRACT_RETENTION),
    writeConcurrently: (view) => {
      db.prepare('UPDATE blob_results SET version = version + 1, status = ?, view = ? WHERE blob_id = ?').run(
        view.status,
        JSON.stringify(view),
        CONTRACT_BLOB_ID,
      );
    },
    createConcurrently: (view) => {
      db.prepare('INSERT INTO blob_results (blob_id, version, tenant_id, status, view) VALUES (?, 1, ?, ?, ?)').run(
        CONTRACT_BLOB_ID,
        SAMPLE_TENANT_ID,
        view.status,
        JSON.stringify(view),
      );
    },
  };
});

let emulator: DynamoEmulator;
let tables = 0;

beforeAll(async () => {
  emulator = await startDynamoEmulator();
});

afterAll(async () => {
  await emulator.stop();
});

describeResultsRepositoryContract('DynamoDB (dynalite)', async () => {
  // A fresh table per test, shaped like ResultsTable in services/results/serverless.yml, its index included.
  const TableName = `results-${(tables += 1)}`;
  const otherWriter = emulator.newDocumentClient();
  await createResultsTable(otherWriter, TableName);

  // The other writer's requests start inside `change`; the repository's next request waits for them, so they land
  // between its read and its write, as a real race would.
  const concurrentWrites: Promise<unknown>[] = [];
  const repositoryClient = emulator.newDocumentClient();
  repositoryClient.middlewareStack.add(
    (next) => async (args) => {
      await Promise.all(concurrentWrites.splice(0));
      return next(args);
    },
    { step: 'initialize', name: 'letTheOtherWriterGoFirst' },
  );

  return {
    repository: buildDynamoResultsRepository(repositoryClient, { tableName: TableName, ...CONTRACT_RETENTION }),
    writeConcurrently: (view) => {
      concurrentWrites.push(
        otherWriter.send(
          new UpdateCommand({
            TableName,
            Key: { blob_id: CONTRACT_BLOB_ID },
            UpdateExpression: 'SET #version = #version + :one, #status = :status, #view = :view',
            ExpressionAttributeNames: { '#version': 'version', '#status': 'status', '#view': 'view' },
            ExpressionAttributeValues: { ':one': 1, ':status': view.status, ':view': view },
          }),
        ),
      );
    },
    createConcurrently: (view) => {
      concurrentWrites.push(
        otherWriter.send(
          new PutCommand({
            TableName,
            Item: { blob_id: CONTRACT_BLOB_ID, version: 1, tenant_id: SAMPLE_TENANT_ID, status: view.status, view },
          }),
        ),
      );
    },
  };
});
