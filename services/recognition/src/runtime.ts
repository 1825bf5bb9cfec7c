import { once } from '@imgrec/shared';
import { recognitionConfigFromEnv } from './config.js';
import type { RecognitionDeps } from './ports.js';

/**
 * The recognition service's adapters for this process, chosen by IMGREC_MODE and wired once (per Lambda cold
 * start). Settings are read and checked here, so a bad one fails the first invocation loudly. The local recognizer is
 * imported only in local mode: Lambda bundles leave that module out (see infra/esbuild.config.cjs), and with it the
 * model, its workers, sharp and SQLite.
 */
export const recognitionRuntime = once(async (): Promise<RecognitionDeps> => {
  const config = recognitionConfigFromEnv();
  if (config.mode === 'aws') {
    const { awsRecognitionRuntime } = await import('./awsRuntime.js');
    return awsRecognitionRuntime(config);
  }
  const { localRecognitionRuntime } = await import('./localRuntime.js');
  return localRecognitionRuntime(config);
});
