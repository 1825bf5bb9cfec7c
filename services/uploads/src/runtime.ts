import { once, runtimeMode, type EventPublisher, type Logger } from '@imgrec/shared';
import { awsUploadsRuntime } from './awsRuntime.js';
import type { CheckCallbackUrl, DeleteObject, PresignUpload, QuotaCounter, UploadsRepository } from './ports.js';

export interface UploadsRuntime {
  repository: UploadsRepository;
  quotaCounter: QuotaCounter;
  presignUpload: PresignUpload;
  deleteObject: DeleteObject;
  checkCallbackUrl: CheckCallbackUrl;
  publisher: EventPublisher;
  defaultMinConfidence: number;
  publicBaseUrl?: string;
  log: Logger;
}

/**
 * The uploads service's adapters for this process, chosen by IMGREC_MODE and wired once (per Lambda cold start).
 * The local adapters are imported only in local mode: Lambda bundles leave that module out (see
 * infra/esbuild.config.cjs), and with it SQLite and every other local-only dependency.
 */
export const uploadsRuntime = once(async (): Promise<UploadsRuntime> => {
  if (runtimeMode() === 'aws') return awsUploadsRuntime();
  const { localUploadsRuntime } = await import('./localRuntime.js');
  return localUploadsRuntime();
});
