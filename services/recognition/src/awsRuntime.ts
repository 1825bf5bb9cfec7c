import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { buildEmfMetrics } from '@imgrec/shared';
import { buildEventBridgePublisher, buildS3Client } from '@imgrec/shared/aws';
import { buildRekognitionRecognizer } from './adapters/rekognitionRecognizer/rekognitionRecognizer.js';
import { buildS3ReadImageHead } from './adapters/s3ReadImageHead/s3ReadImageHead.js';
import { MAX_ATTEMPTS, type AwsRecognitionConfig } from './config.js';
import { emf, logger } from './observability.js';
import type { RecognitionDeps } from './ports.js';

/** The recognition service on AWS: Rekognition DetectLabels, DetectText and DetectFaces on the uploads service's bucket. */
export const awsRecognitionRuntime = (config: AwsRecognitionConfig): RecognitionDeps => ({
  readImageHead: buildS3ReadImageHead(buildS3Client(), { bucket: config.imagesBucket }),
  // The recognizer retries throttling itself (and the queue after it); SDK retries would multiply those.
  recognizer: buildRekognitionRecognizer(new RekognitionClient({ maxAttempts: 1 }), { bucket: config.imagesBucket }),
  publisher: buildEventBridgePublisher(new EventBridgeClient({}), {
    eventBusName: config.eventBusName,
    source: 'imgrec.recognition',
  }),
  log: logger,
  metrics: buildEmfMetrics(emf),
  now: () => new Date(),
  maxAttempts: MAX_ATTEMPTS,
  ready: async () => undefined,
});
