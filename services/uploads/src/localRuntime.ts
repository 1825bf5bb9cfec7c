import { assertCallbackUrlAllowed, callbackAllowHostsFromEnv, defaultMinConfidence, logger } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import { buildSqliteUploadsRepository } from './adapters/sqliteUploadsRepository/sqliteUploadsRepository.js';
import type { UploadsRuntime } from './runtime.js';

/** The uploads service in local mode: the platform's SQLite database, blob store and bus. */
export const localUploadsRuntime = (): UploadsRuntime => {
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
