import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '@imgrec/shared';
import { buildDynamoResultsRepository } from './adapters/dynamoResultsRepository/dynamoResultsRepository.js';
import type { ResultsRuntime } from './runtime.js';

/**
 * The results service on AWS: the results table on DynamoDB, named by IMGREC_RESULTS_TABLE (set in serverless.yml).
 * @throws Error when the setting is missing.
 */
export const awsResultsRuntime = (): ResultsRuntime => ({
  repository: buildDynamoResultsRepository(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
    tableName: requireEnv('IMGREC_RESULTS_TABLE'),
  }),
  now: () => new Date().toISOString(),
});
