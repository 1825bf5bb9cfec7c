import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { startDynamoEmulator, type DynamoEmulator } from '@imgrec/shared/aws/testing';
import { openDatabase } from '@imgrec/shared/local';
import type { Database } from 'better-sqlite3';
import { createAccountsTable, emulateTransactWriteItems } from '../../testing/accountsTable.js';
import { buildDynamoAccountsStore } from '../dynamoAccountsStore/dynamoAccountsStore.js';
import { buildSqliteAccountsStore } from '../sqliteAccountsStore/sqliteAccountsStore.js';
import { describeAccountsStoreContract } from './accountsStoreContract.js';

const databases: Database[] = [];
afterEach(() => {
  for (const db of databases.splice(0)) db.close();
});

describeAccountsStoreContract('SQLite', () => {
  // Opened as local mode opens it, foreign keys and all.
  const db = openDatabase(':memory:');
  databases.push(db);
  return { store: buildSqliteAccountsStore(db) };
});

let emulator: DynamoEmulator;
let tables = 0;

beforeAll(async () => {
  emulator = await startDynamoEmulator();
});

afterAll(async () => {
  await emulator.stop();
});

describeAccountsStoreContract('DynamoDB (dynalite)', async () => {
  const tableName = `accounts-${(tables += 1)}`;
  const client = emulator.newDocumentClient();
  emulateTransactWriteItems(client);
  await createAccountsTable(client, tableName);
  return { store: buildDynamoAccountsStore(client, { tableName }) };
});
