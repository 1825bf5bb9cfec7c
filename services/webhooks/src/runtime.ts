import { createWebhookSigner, ensureLocalWebhookSecret, logger, once } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import got from 'got';
import { buildGotCallbackSender } from './adapters/gotCallbackSender/gotCallbackSender.js';
import { buildLocalDeliveryQueue } from './adapters/localDeliveryQueue/localDeliveryQueue.js';
import { buildSqliteDeliveryStore } from './adapters/sqliteDeliveryStore/sqliteDeliveryStore.js';
import { webhooksConfigFromEnv, type WebhooksConfig } from './config/webhooksConfig.js';
import type { WebhooksDeps } from './ports.js';

const log = logger.child({ service: 'webhooks' });

const localRuntime = (config: WebhooksConfig): WebhooksDeps => {
  const platform = localPlatform();
  const secret = config.webhookSecrets
    ? { secrets: config.webhookSecrets, generated: false, file: undefined }
    : ensureLocalWebhookSecret(platform.config.dataDir, undefined);
  // Never log the secret itself: log lines are kept. `npm start` prints a generated one once, for the developer.
  if (secret.generated) log.info('generated a webhook secret', { file: secret.file });
  return {
    store: buildSqliteDeliveryStore(platform.openServiceDb('webhooks')),
    queue: buildLocalDeliveryQueue(platform.queues),
    send: buildGotCallbackSender(got, { allowHosts: config.allowHosts }),
    sign: createWebhookSigner(secret.secrets),
    publisher: platform.publisherFor('imgrec.webhooks'),
    retrySchedule: config.retrySchedule,
    now: () => new Date(),
    random: Math.random,
    log,
  };
};

/**
 * The webhooks service's adapters for this process, chosen by IMGREC_MODE and wired once. Settings are read and
 * checked here, at the first invocation (cold start), so a bad IMGREC_RETRY_SCHEDULE or secret fails loudly.
 */
export const webhooksRuntime = once((): WebhooksDeps => {
  const config = webhooksConfigFromEnv();
  if (config.mode === 'local') return localRuntime(config);
  throw new Error('aws mode adapters for the webhooks service are not wired yet');
});
