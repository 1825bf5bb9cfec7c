import { assertCallbackUrlAllowed, defaultMinConfidence } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import { buildSqliteQuotaCounter } from './adapters/sqliteQuotaCounter/sqliteQuotaCounter.js';
import { buildSqliteUploadsRepository } from './adapters/sqliteUploadsRepository/sqliteUploadsRepository.js';
import type { UploadsConfig } from './config.js';
import { logger } from './observability.js';
import type { UploadsDeps } from './ports.js';

/** The uploads service in local mode: the platform's SQLite database, blob store, bus and counters. */
export const localUploadsRuntime = (config: Extract<UploadsConfig, { mode: 'local' }>): UploadsDeps => {
  const platform = localPlatform();
  const db = platform.openServiceDb('uploads');
  return {
    repository: buildSqliteUploadsRepository(db),
    quotaCounter: buildSqliteQuotaCounter(db),
    presignUpload: async (key, expiresInSeconds, contentLength) =>
      platform.blobStore.presignUpload(key, expiresInSeconds, { contentLength }),
    deleteObject: (key) => platform.blobStore.delete(key),
    checkCallbackUrl: async (url) => {
      await assertCallbackUrlAllowed(url, { allowHosts: config.allowHosts });
    },
    publisher: platform.publisherFor('imgrec.uploads'),
    uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
    defaultMinConfidence: defaultMinConfidence('local'),
    publicBaseUrl: platform.config.publicUrl,
    now: () => new Date(),
    log: logger,
    metrics: platform.metricsFor('uploads'),
  };
};
