import {
  assertCallbackUrlAllowed,
  callbackAllowHostsFromEnv,
  defaultMinConfidence,
  logger,
  once,
  runtimeMode,
  type EventPublisher,
  type Logger,
} from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import type { CheckCallbackUrl, PresignUpload, UploadsRepository } from './ports.js';
import { buildSqliteUploadsRepository } from './adapters/sqliteUploadsRepository/sqliteUploadsRepository.js';

export interface UploadsRuntime {
  repository: UploadsRepository;
  presignUpload: PresignUpload;
  checkCallbackUrl: CheckCallbackUrl;
  publisher: EventPublisher;
  defaultMinConfidence: number;
  publicBaseUrl?: string;
  log: Logger;
}

const localRuntime = (): UploadsRuntime => {
  const platform = localPlatform();
  const allowHosts = callbackAllowHostsFromEnv('local');
  return {
    repository: buildSqliteUploadsRepository(platform.openServiceDb('uploads')),
    presignUpload: async (key, contentType, expiresInSeconds) =>
      platform.blobStore.presignUpload(key, contentType, expiresInSeconds),
    checkCallbackUrl: async (url) => {
      await assertCallbackUrlAllowed(url, { allowHosts });
    },
    publisher: platform.publisherFor('imgrec.uploads'),
    defaultMinConfidence: defaultMinConfidence('local'),
    publicBaseUrl: platform.config.publicUrl,
    log: logger.child({ service: 'uploads' }),
  };
};

/** The uploads service's adapters for this process, chosen by IMGREC_MODE and wired once. */
export const uploadsRuntime = once((): UploadsRuntime => {
  const mode = runtimeMode();
  if (mode === 'local') return localRuntime();
  throw new Error('aws mode adapters for the uploads service are not wired yet');
});
