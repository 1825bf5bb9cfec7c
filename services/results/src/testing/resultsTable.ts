import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { BY_TENANT_CREATED_INDEX } from '../adapters/dynamoResultsRepository/dynamoResultsRepository.js';

/**
 * Creates a table shaped like ResultsTable in serverless.yml, its by_tenant_created index included, on the emulator
 * `client` talks to (tests only; infra/templates.test.ts checks the template against the same shape).
 */
export const createResultsTable = async (
  client: { send(command: CreateTableCommand): Promise<unknown> },
  tableName: string,
): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'blob_id', AttributeType: 'S' },
        { AttributeName: 'tenant_id', AttributeType: 'S' },
        { AttributeName: 'created_key', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'blob_id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: BY_TENANT_CREATED_INDEX,
          KeySchema: [
            { AttributeName: 'tenant_id', KeyType: 'HASH' },
            { AttributeName: 'created_key', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
};
