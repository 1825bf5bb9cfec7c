import { once, runtimeMode, type Logger } from '@imgrec/shared';
import type { OnBlobCreatedDeps } from '../functions/onBlobCreated/handler.js';
import { awsRecognitionAdapters } from './awsRuntime.js';

export interface RecognitionRuntime extends OnBlobCreatedDeps {
  log: Logger;
  /** Resolves when the recognizer can take work. */
  ready(): Promise<void>;
}

/** What each mode wires; the attempt policy is the same for both. */
export type RecognitionAdapters = Omit<RecognitionRuntime, 'maxAttempts'>;

/**
 * Attempts per image before a passing fault (a crashed worker, throttling) is reported as a failure. In aws mode the
 * recognition queue's maxReceiveCount must stay above it, so the last attempt can still announce the failure.
 */
const MAX_ATTEMPTS = 3;

/**
 * The recognition service's adapters for this process, chosen by IMGREC_MODE and wired once (per Lambda cold
 * start). The local recognizer is imported only in local mode: Lambda bundles leave that module out (see
 * infra/esbuild.config.cjs), and with it the model, its workers, sharp and SQLite.
 */
export const recognitionRuntime = once(async (): Promise<RecognitionRuntime> => {
  if (runtimeMode() === 'aws') return { ...awsRecognitionAdapters(), maxAttempts: MAX_ATTEMPTS };
  const { localRecognitionAdapters } = await import('./localRuntime.js');
  return { ...localRecognitionAdapters(), maxAttempts: MAX_ATTEMPTS };
});
