import { localPlatform } from '@imgrec/shared/local';
import { MAX_ATTEMPTS, type LocalRecognitionConfig } from './config.js';
import { buildLocalRecognizer } from './local/buildLocalRecognizer/buildLocalRecognizer.js';
import { buildLoadStoredImage } from './local/loadStoredImage/loadStoredImage.js';
import { logger } from './observability.js';
import type { RecognitionDeps } from './ports.js';

/**
 * The recognition service in local mode: the object, face and text detectors in worker threads, over the local blob
 * store.
 */
export const localRecognitionRuntime = (config: LocalRecognitionConfig): RecognitionDeps => {
  const platform = localPlatform();
  const recognizer = buildLocalRecognizer({
    workers: config.recognizerWorkers,
    timeoutMs: config.recognitionTimeoutMs,
    loadImage: buildLoadStoredImage(platform.blobStore),
  });
  platform.onClose(() => recognizer.close());
  return {
    readImageHead: (image, length) => platform.blobStore.readHead(image.key, length),
    recognizer,
    publisher: platform.publisherFor('imgrec.recognition'),
    log: logger,
    metrics: platform.metricsFor('recognition'),
    now: () => new Date(),
    maxAttempts: MAX_ATTEMPTS,
    ready: () => recognizer.ready(),
  };
};
