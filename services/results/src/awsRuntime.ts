import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildDynamoResultsRepository } from './adapters/dynamoResultsRepository/dynamoResultsRepository.js';
import type { ResultsConfig } from './config.js';
import type { ResultsDeps } from './ports.js';

/** The results service on AWS: the results table on DynamoDB. */
export const awsResultsRuntime = (config: Extract<ResultsConfig, { mode: 'aws' }>): ResultsDeps => ({
  repository: buildDynamoResultsRepository(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
    tableName: config.tableName,
  }),
  now: () => new Date(),
});
