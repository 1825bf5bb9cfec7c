import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildDynamoAccountsStore } from '../adapters/dynamoAccountsStore/dynamoAccountsStore.js';
import type { OpenedAccountsStore } from '../ports.js';

export interface AwsAccountsStoreOptions {
  /** The deployed stage's accounts table: the `AccountsTableName` output of the accounts stack. */
  tableName: string;
  /** The client to use; by default one with the caller's AWS credentials and region, as the AWS CLI finds them. */
  client?: DynamoDBDocumentClient;
}

/**
 * The accounts store of a deployed stage, for the admin CLI. close() destroys the client it built, and leaves a
 * client that was passed in to its owner.
 */
export const awsAccountsStore = ({ tableName, client }: AwsAccountsStoreOptions): OpenedAccountsStore => {
  const documents = client ?? DynamoDBDocumentClient.from(new DynamoDBClient({}));
  return {
    ...buildDynamoAccountsStore(documents, { tableName }),
    close: () => {
      if (client === undefined) documents.destroy();
    },
  };
};
