import { logger, once, runtimeMode, type Logger } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import { buildLocalRecognizer } from './local/buildLocalRecognizer/buildLocalRecognizer.js';
import type { OnBlobCreatedDeps } from '../functions/onBlobCreated/handler.js';

export interface RecognitionRuntime extends OnBlobCreatedDeps {
  log: Logger;
  /** Resolves when the recognizer can take work. */
  ready(): Promise<void>;
}

/** Attempts per image before a passing fault (a crashed worker, throttling) is reported as a failure. */
const MAX_ATTEMPTS = 3;

const localRuntime = (): RecognitionRuntime => {
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
    maxAttempts: MAX_ATTEMPTS,
    ready: () => recognizer.ready(),
  };
};

/** The recognition service's adapters for this process, chosen by IMGREC_MODE and wired once. */
export const recognitionRuntime = once((): RecognitionRuntime => {
  if (runtimeMode() === 'local') return localRuntime();
  throw new Error('aws mode adapters for the recognition service are not wired yet');
});
