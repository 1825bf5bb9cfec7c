import { once } from '@imgrec/shared';
import { ensureSigningKey, localPlatform } from '@imgrec/shared/local';
import { join } from 'node:path';
import { buildSqliteResultsRepository } from './adapters/sqliteResultsRepository/sqliteResultsRepository.js';
import type { ResultsConfig } from './config.js';
import { buildHmacListCursors } from './listCursors/hmacListCursors.js';
import { logger } from './observability.js';
import type { ResultsDeps, SigningKey } from './ports.js';

/** The local stand-in for the secret on AWS: a key kept in the data dir, so cursors survive a restart. */
const cursorSigningKey = (dataDir: string): SigningKey => {
  const read = once(() => {
    const { key, replaced } = ensureSigningKey(join(dataDir, 'cursor-signing-key'));
    if (replaced) logger.warn('the cursor signing key was shorter than 32 bytes; a new one replaces it');
    return key;
  });
  return async () => read();
};

/** The results service in local mode: its own SQLite database and cursor signing key in the data dir. */
export const localResultsRuntime = (config: Extract<ResultsConfig, { mode: 'local' }>): ResultsDeps => {
  const platform = localPlatform();
  return {
    repository: buildSqliteResultsRepository(platform.openServiceDb('results'), {
      recordRetentionDays: config.recordRetentionDays,
    }),
    cursors: buildHmacListCursors(cursorSigningKey(platform.config.dataDir)),
    now: () => new Date(),
  };
};
