import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildDynamoResultsRepository } from './adapters/dynamoResultsRepository/dynamoResultsRepository.js';
import { buildSecretsManagerSigningKey } from './adapters/secretsManagerSigningKey/secretsManagerSigningKey.js';
import type { ResultsConfig } from './config.js';
import { buildHmacListCursors } from './listCursors/hmacListCursors.js';
import type { ResultsDeps } from './ports.js';

/**
 * How long a function instance keeps the cursor signing key: one GetSecretValue per instance and five minutes, and
 * nothing is read at wiring time (only listBlobs reads it, at its first request with or for a cursor).
 */
const CURSOR_KEY_MAX_AGE_SECONDS = 300;

/** The results service on AWS: the results table on DynamoDB, the cursor signing key in Secrets Manager. */
export const awsResultsRuntime = (config: Extract<ResultsConfig, { mode: 'aws' }>): ResultsDeps => ({
  repository: buildDynamoResultsRepository(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
    tableName: config.tableName,
    recordRetentionDays: config.recordRetentionDays,
  }),
  cursors: buildHmacListCursors(
    buildSecretsManagerSigningKey({ secretArn: config.cursorSecretArn, maxAgeSeconds: CURSOR_KEY_MAX_AGE_SECONDS }),
  ),
  now: () => new Date(),
});
