import { logger } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import { buildLocalRecognizer } from './local/buildLocalRecognizer/buildLocalRecognizer.js';
import type { RecognitionAdapters } from './runtime.js';

/** The recognition service in local mode: the CenterNet detector in worker threads, over the local blob store. */
export const localRecognitionAdapters = (): RecognitionAdapters => {
  const platform = localPlatform();
  const recognizer = buildLocalRecognizer({
    workers: platform.config.recognizerWorkers,
    loadImage: (image) => platform.blobStore.read(image.key),
  });
  platform.onClose(() => recognizer.close());
  return {
    readImageHead: (image, length) => platform.blobStore.readHead(image.key, length),
    recognizer,
    publisher: platform.publisherFor('imgrec.recognition'),
    log: logger.child({ service: 'recognition' }),
    ready: () => recognizer.ready(),
  };
};
