import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '@imgrec/shared';
import { buildDynamoAccountsStore } from './adapters/dynamoAccountsStore/dynamoAccountsStore.js';
import type { AccountsDeps } from './ports.js';

/**
 * The accounts service on AWS: the accounts table on DynamoDB, named by IMGREC_ACCOUNTS_TABLE (set in
 * serverless.yml). A Lambda that runs is ready: there is nothing to load first.
 * @throws Error when the setting is missing.
 */
export const awsAccountsRuntime = (): AccountsDeps => ({
  store: buildDynamoAccountsStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
    tableName: requireEnv('IMGREC_ACCOUNTS_TABLE'),
  }),
  now: () => new Date(),
  isReady: () => true,
});
