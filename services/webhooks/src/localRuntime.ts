import { createWebhookSigner, ensureLocalWebhookSecret, logger } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import got from 'got';
import { buildGotCallbackSender } from './adapters/gotCallbackSender/gotCallbackSender.js';
import { buildLocalDeliveryQueue } from './adapters/localDeliveryQueue/localDeliveryQueue.js';
import { buildSqliteDeliveryStore } from './adapters/sqliteDeliveryStore/sqliteDeliveryStore.js';
import type { LocalWebhooksConfig } from './config/webhooksConfig.js';
import type { WebhooksDeps } from './ports.js';

/**
 * The webhooks service in local mode: its SQLite database and queues in the data dir, the platform's bus, and the
 * secret(s) of IMGREC_WEBHOOK_SECRET, or else the one kept in (or generated into) the data dir.
 */
export const localWebhooksRuntime = (config: LocalWebhooksConfig): WebhooksDeps => {
  const log = logger.child({ service: 'webhooks' });
  const platform = localPlatform();
  const secret = config.webhookSecrets
    ? { secrets: config.webhookSecrets, generated: false, file: undefined }
    : ensureLocalWebhookSecret(platform.config.dataDir, undefined);
  // Never log the secret itself: log lines are kept. `npm start` prints a generated one once, for the developer.
  if (secret.generated) log.info('generated a webhook secret', { file: secret.file });
  const sign = createWebhookSigner(secret.secrets);
  return {
    store: buildSqliteDeliveryStore(platform.openServiceDb('webhooks')),
    queue: buildLocalDeliveryQueue(platform.queues),
    send: buildGotCallbackSender(got, { allowHosts: config.allowHosts }),
    signer: async () => sign,
    publisher: platform.publisherFor('imgrec.webhooks'),
    retrySchedule: config.retrySchedule,
    now: () => new Date(),
    random: Math.random,
    log,
  };
};
