import { localPlatform } from '@imgrec/shared/local';
import got from 'got';
import { buildAesGcmSecretCipher } from './adapters/aesGcmSecretCipher/aesGcmSecretCipher.js';
import { buildGotCallbackSender } from './adapters/gotCallbackSender/gotCallbackSender.js';
import {
  buildLocalDeadLetterQueue,
  buildLocalDeliveryQueue,
} from './adapters/localDeliveryQueue/localDeliveryQueue.js';
import { ensureLocalSecretsKey } from './adapters/localSecretsKey/localSecretsKey.js';
import { buildSqliteDeliveryStore } from './adapters/sqliteDeliveryStore/sqliteDeliveryStore.js';
import { buildSqliteTenantSecretStore } from './adapters/sqliteTenantSecretStore/sqliteTenantSecretStore.js';
import { buildSignerFor } from './buildSignerFor/buildSignerFor.js';
import type { LocalWebhooksConfig } from './config.js';
import { DEV_TENANT_ID } from './devWebhookSecret/devWebhookSecret.js';
import { logger } from './observability.js';
import type { WebhooksDeps } from './ports.js';

/**
 * The webhooks service in local mode: its SQLite database and queues in the data dir, the platform's bus, and the
 * tenants' secrets in its database, encrypted with the key in `<data dir>/webhook-secrets-key`. They are read at
 * every attempt, so a rotation with the admin CLI counts at once. IMGREC_WEBHOOK_SECRET, when set, replaces the
 * dev tenant's secrets.
 */
export const localWebhooksRuntime = (config: LocalWebhooksConfig): WebhooksDeps => {
  const platform = localPlatform();
  const db = platform.openServiceDb('webhooks');
  const secrets = buildSqliteTenantSecretStore(
    db,
    buildAesGcmSecretCipher(ensureLocalSecretsKey(platform.config.dataDir)),
  );
  const now = () => new Date();
  return {
    store: buildSqliteDeliveryStore(db),
    queue: buildLocalDeliveryQueue(platform.queues),
    deadLetters: buildLocalDeadLetterQueue(platform.queues),
    send: buildGotCallbackSender(got, { allowHosts: config.allowHosts }),
    signerFor: buildSignerFor(secrets, {
      now,
      maxAgeSeconds: 0,
      ...(config.devWebhookSecrets && { fixed: new Map([[DEV_TENANT_ID, config.devWebhookSecrets]]) }),
    }),
    publisher: platform.publisherFor('imgrec.webhooks'),
    retrySchedule: config.retrySchedule,
    now,
    random: Math.random,
    log: logger,
    metrics: platform.metricsFor('webhooks'),
  };
};
