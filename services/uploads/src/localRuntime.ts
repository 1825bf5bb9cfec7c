import { assertCallbackUrlAllowed, callbackAllowHostsFromEnv, defaultMinConfidence, logger } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import { buildSqliteQuotaCounter } from './adapters/sqliteQuotaCounter/sqliteQuotaCounter.js';
import { buildSqliteUploadsRepository } from './adapters/sqliteUploadsRepository/sqliteUploadsRepository.js';
import type { UploadsRuntime } from './runtime.js';

/** The uploads service in local mode: the platform's SQLite database, blob store and bus. */
export const localUploadsRuntime = (): UploadsRuntime => {
  const platform = localPlatform();
  const allowHosts = callbackAllowHostsFromEnv('local');
  const db = platform.openServiceDb('uploads');
  return {
    repository: buildSqliteUploadsRepository(db),
    quotaCounter: buildSqliteQuotaCounter(db),
    presignUpload: async (key, expiresInSeconds, contentLength) =>
      platform.blobStore.presignUpload(key, expiresInSeconds, { contentLength }),
    deleteObject: (key) => platform.blobStore.delete(key),
    checkCallbackUrl: async (url) => {
      await assertCallbackUrlAllowed(url, { allowHosts });
    },
    publisher: platform.publisherFor('imgrec.uploads'),
    defaultMinConfidence: defaultMinConfidence('local'),
    publicBaseUrl: platform.config.publicUrl,
    log: logger.child({ service: 'uploads' }),
  };
};
