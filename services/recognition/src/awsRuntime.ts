import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { logger, requireEnv } from '@imgrec/shared';
import { buildEventBridgePublisher, buildS3Client } from '@imgrec/shared/aws';
import { buildRekognitionRecognizer } from './adapters/rekognitionRecognizer/rekognitionRecognizer.js';
import { buildS3ReadImageHead } from './adapters/s3ReadImageHead/s3ReadImageHead.js';
import type { RecognitionAdapters } from './runtime.js';

/**
 * The recognition service on AWS: Rekognition DetectLabels on the uploads service's bucket. Its settings come from
 * the function's environment, set in serverless.yml: IMGREC_IMAGES_BUCKET and IMGREC_EVENT_BUS_NAME.
 * @throws Error naming a missing setting.
 */
export const awsRecognitionAdapters = (): RecognitionAdapters => {
  const bucket = requireEnv('IMGREC_IMAGES_BUCKET');
  const eventBusName = requireEnv('IMGREC_EVENT_BUS_NAME');
  return {
    readImageHead: buildS3ReadImageHead(buildS3Client(), { bucket }),
    // The recognizer retries throttling itself (and the queue after it); SDK retries would multiply those.
    recognizer: buildRekognitionRecognizer(new RekognitionClient({ maxAttempts: 1 }), { bucket }),
    publisher: buildEventBridgePublisher(new EventBridgeClient({}), { eventBusName, source: 'imgrec.recognition' }),
    log: logger.child({ service: 'recognition' }),
    ready: async () => undefined,
  };
};
