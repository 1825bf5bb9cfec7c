import type { Logger } from '@imgrec/shared';
import type { LocalPlatform } from '@imgrec/shared/local';
import { buildLocalDeadLetterQueue } from './adapters/localDeliveryQueue/localDeliveryQueue.js';
import { buildSqliteDeliveryStore } from './adapters/sqliteDeliveryStore/sqliteDeliveryStore.js';
import { redriveDeliveries, type RedriveOptions, type RedriveReport } from './redriveDeliveries/redriveDeliveries.js';

export { LOCAL_DELIVERY_QUEUES } from './adapters/localDeliveryQueue/localDeliveryQueue.js';
export type { RedriveOptions, RedriveReport } from './redriveDeliveries/redriveDeliveries.js';

/**
 * `npm run redrive` in local mode: replays the delivery DLQ of the platform's data dir (all of it, or one blob's or
 * one tenant's messages) through the local adapters. Safe while `npm start` runs on the same data dir: both sides
 * write SQLite in WAL mode, one transaction at a time, and the server picks the moved messages up on its next poll.
 */
export const redriveLocalDeliveries = (
  platform: Pick<LocalPlatform, 'queues' | 'openServiceDb'>,
  options: RedriveOptions,
  log: Logger,
): Promise<RedriveReport> =>
  redriveDeliveries(
    {
      store: buildSqliteDeliveryStore(platform.openServiceDb('webhooks')),
      deadLetters: buildLocalDeadLetterQueue(platform.queues),
      now: () => new Date(),
      log,
    },
    options,
  );
