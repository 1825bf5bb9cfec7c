import { once, retentionDeadline } from '@imgrec/shared';
import { localPlatform, type LocalPlatform } from '@imgrec/shared/local';
import { LOCAL_DELIVERY_QUEUES } from './adapters/localDeliveryQueue/localDeliveryQueue.js';
import { buildSqliteDeliveryStore } from './adapters/sqliteDeliveryStore/sqliteDeliveryStore.js';
import { recordRetentionDaysFromEnv } from './config.js';

/**
 * Deletes what the webhooks service keeps past the record retention, as of `now`: deliveries and deleted blobs'
 * tombstones created before the deadline, and DLQ entries sent before it (the deliveries table's TTL and SQS's
 * message retention do this on AWS). Returns how many rows and messages it deleted.
 */
export const sweepExpiredDeliveries = (
  platform: Pick<LocalPlatform, 'queues' | 'openServiceDb'>,
  recordRetentionDays: number,
  now: Date,
): number => {
  const deadline = retentionDeadline(now, recordRetentionDays);
  const deliveries = buildSqliteDeliveryStore(platform.openServiceDb('webhooks')).deleteCreatedBefore(deadline);
  return deliveries + platform.queues.sweep(LOCAL_DELIVERY_QUEUES.deadLetterQueue, deadline);
};

// Read once, like every setting; the local entry has checked it before the first sweep.
const recordRetentionDays = once(() => recordRetentionDaysFromEnv());

/**
 * The local retention sweep's share for the webhooks service (IMGREC_RECORD_RETENTION_DAYS, in the data dir of
 * the process's local platform); see {@link sweepExpiredDeliveries}.
 * @throws ConfigError for a bad IMGREC_RECORD_RETENTION_DAYS; SQLite's errors (e.g. a locked database) as they come.
 */
export const sweepLocal = async (now: Date): Promise<number> =>
  sweepExpiredDeliveries(localPlatform(), recordRetentionDays(), now);
