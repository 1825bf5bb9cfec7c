import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assertCallbackUrlAllowed, buildEmfMetrics, defaultMinConfidence } from '@imgrec/shared';
import { buildEventBridgePublisher, buildS3Client } from '@imgrec/shared/aws';
import { buildDynamoQuotaCounter } from './adapters/awsDynamoQuotaCounter/awsDynamoQuotaCounter.js';
import { buildDynamoUploadsRepository } from './adapters/awsDynamoUploadsRepository/awsDynamoUploadsRepository.js';
import { buildS3DeleteObject } from './adapters/awsS3DeleteObject/awsS3DeleteObject.js';
import { buildS3PresignUpload } from './adapters/awsS3PresignUpload/awsS3PresignUpload.js';
import type { UploadsConfig } from './config.js';
import { emf, logger } from './observability.js';
import type { UploadsDeps } from './ports.js';

/** The uploads service on AWS: the uploads table, the image bucket and the event bus its config names. */
export const awsUploadsRuntime = (config: Extract<UploadsConfig, { mode: 'aws' }>): UploadsDeps => {
  const { tableName, bucket, allowHosts, recordRetentionDays } = config;
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const s3 = buildS3Client();
  return {
    repository: buildDynamoUploadsRepository(documents, { tableName, recordRetentionDays }),
    quotaCounter: buildDynamoQuotaCounter(documents, { tableName }),
    presignUpload: buildS3PresignUpload(s3, { bucket }),
    deleteObject: buildS3DeleteObject(s3, { bucket }),
    checkCallbackUrl: async (url) => {
      await assertCallbackUrlAllowed(url, { allowHosts });
    },
    publisher: buildEventBridgePublisher(new EventBridgeClient({}), {
      eventBusName: config.eventBusName,
      source: 'imgrec.uploads',
    }),
    uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
    defaultMinConfidence: defaultMinConfidence('aws'),
    now: () => new Date(),
    log: logger,
    metrics: buildEmfMetrics(emf),
  };
};
