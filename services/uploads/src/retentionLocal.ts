import { localPlatform } from '@imgrec/shared/local';
import { uploadsConfig } from './config.js';
import { sweepExpiredUploads } from './sweepExpiredUploads/sweepExpiredUploads.js';

/**
 * The uploads service's share of local mode's retention sweep (run by the local entry): deletes, from the platform's
 * uploads database, the upload records older than IMGREC_RECORD_RETENTION_DAYS, the Idempotency-Keys older than
 * 24 hours and the quota counts of days before `now`'s. Returns how many rows it deleted.
 * @throws ConfigError for an invalid setting of the uploads service (read once, at the first call).
 */
export const sweepLocal = async (now: Date): Promise<number> =>
  sweepExpiredUploads(localPlatform().openServiceDb('uploads'), now, uploadsConfig().recordRetentionDays);
