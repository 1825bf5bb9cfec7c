import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  assertCallbackUrlAllowed,
  callbackAllowHostsFromEnv,
  defaultMinConfidence,
  logger,
  requireEnv,
} from '@imgrec/shared';
import { buildEventBridgePublisher, buildS3Client } from '@imgrec/shared/aws';
import { buildDynamoQuotaCounter } from './adapters/awsDynamoQuotaCounter/awsDynamoQuotaCounter.js';
import { buildDynamoUploadsRepository } from './adapters/awsDynamoUploadsRepository/awsDynamoUploadsRepository.js';
import { buildS3DeleteObject } from './adapters/awsS3DeleteObject/awsS3DeleteObject.js';
import { buildS3PresignUpload } from './adapters/awsS3PresignUpload/awsS3PresignUpload.js';
import type { UploadsRuntime } from './runtime.js';

/**
 * The uploads service on AWS. Its settings come from the function's environment, set in serverless.yml:
 * IMGREC_UPLOADS_TABLE, IMGREC_IMAGES_BUCKET, IMGREC_EVENT_BUS_NAME and, optionally, IMGREC_CALLBACK_ALLOW_HOSTS.
 * @throws Error naming a missing setting; ImgrecError `invalid_config` for a malformed allow-list.
 */
export const awsUploadsRuntime = (): UploadsRuntime => {
  const tableName = requireEnv('IMGREC_UPLOADS_TABLE');
  const bucket = requireEnv('IMGREC_IMAGES_BUCKET');
  const eventBusName = requireEnv('IMGREC_EVENT_BUS_NAME');
  const allowHosts = callbackAllowHostsFromEnv('aws');
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const s3 = buildS3Client();
  return {
    repository: buildDynamoUploadsRepository(documents, { tableName }),
    quotaCounter: buildDynamoQuotaCounter(documents, { tableName }),
    presignUpload: buildS3PresignUpload(s3, { bucket }),
    deleteObject: buildS3DeleteObject(s3, { bucket }),
    checkCallbackUrl: async (url) => {
      await assertCallbackUrlAllowed(url, { allowHosts });
    },
    publisher: buildEventBridgePublisher(new EventBridgeClient({}), { eventBusName, source: 'imgrec.uploads' }),
    defaultMinConfidence: defaultMinConfidence('aws'),
    log: logger.child({ service: 'uploads' }),
  };
};
