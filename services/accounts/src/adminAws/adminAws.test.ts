import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startDynamoEmulator, type DynamoEmulator, operatorEnvFor } from '@imgrec/shared/aws/testing';
import { hashApiKey } from '../apiKeys/apiKeys.js';
import { awsAccountsStore } from './adminAws.js';
import { manageAccounts } from '../manageAccounts/manageAccounts.js';
import { createAccountsTable, emulateTransactWriteItems } from '../testing/accountsTable.js';

const TABLE = 'imgrec-dev-AccountsTable';

describe('awsAccountsStore', () => {
  let emulator: DynamoEmulator;

  beforeAll(async () => {
    emulator = await startDynamoEmulator();
    await createAccountsTable(emulator.newDocumentClient(), TABLE);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await emulator.stop();
  });

  it('runs the admin commands on the stage’s table through the client it is given, and leaves that client open', async () => {
    const client = emulator.newDocumentClient();
    emulateTransactWriteItems(client);
    const store = awsAccountsStore({ tableName: TABLE, client });

    const { tenant, key_id, api_key } = await manageAccounts({ store, now: () => new Date() }).createTenant({
      name: 'Acme Corp',
    });
    store.close();

    const found = await awsAccountsStore({ tableName: TABLE, client }).findKeyByHash(hashApiKey(api_key));
    expect(found).toMatchObject({ key: { key_id }, tenant });
  });

  it('builds its own client with the operator’s AWS settings when given none', async () => {
    // The SDK settings the command takes from its environment, as an operator's shell would have them.
    jest.replaceProperty(process, 'env', { ...process.env, ...operatorEnvFor(emulator) });
    const store = awsAccountsStore({ tableName: TABLE });
    try {
      await store.createTenant({
        tenant_id: 'tnt_b0000000000000000002',
        name: 'Globex',
        status: 'active',
        created_at: '2026-11-27T12:00:00.000Z',
      });
      expect(await store.getTenant('tnt_b0000000000000000002')).toMatchObject({ name: 'Globex' });
    } finally {
      store.close();
    }
  });
});
