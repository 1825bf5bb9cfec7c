import { once } from '@imgrec/shared';
import { webhooksConfigFromEnv } from './config.js';
import type { WebhooksDeps } from './ports.js';

/**
 * The webhooks service's adapters for this process, chosen by IMGREC_MODE and wired once (per Lambda cold start).
 * Settings are read and checked here, at the first invocation, so a bad IMGREC_RETRY_SCHEDULE or secret setting
 * fails loudly. The local adapters are imported only in local mode: Lambda bundles leave that module out (see
 * infra/esbuild.config.cjs), and with it SQLite.
 */
export const webhooksRuntime = once(async (): Promise<WebhooksDeps> => {
  const config = webhooksConfigFromEnv();
  if (config.mode === 'aws') {
    const { awsWebhooksRuntime } = await import('./awsRuntime.js');
    return awsWebhooksRuntime(config);
  }
  const { localWebhooksRuntime } = await import('./localRuntime.js');
  return localWebhooksRuntime(config);
});
