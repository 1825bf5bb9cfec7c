import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildDynamoAccountsStore } from './adapters/dynamoAccountsStore/dynamoAccountsStore.js';
import type { AccountsConfig } from './config.js';
import type { AccountsDeps } from './ports.js';

/** The accounts service on AWS: the accounts table on DynamoDB. A Lambda that runs is ready: nothing loads first. */
export const awsAccountsRuntime = (config: Extract<AccountsConfig, { mode: 'aws' }>): AccountsDeps => ({
  store: buildDynamoAccountsStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
    tableName: config.tableName,
  }),
  now: () => new Date(),
  isReady: () => true,
});
