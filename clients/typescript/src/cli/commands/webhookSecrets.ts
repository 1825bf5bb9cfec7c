import { parseWebhookSecrets } from '@imgrec/shared/webhooks';
import { resolve } from 'node:path';

/** The secrets a local receiver verifies with, asked again at each delivery, and where they come from. */
export interface SecretSource {
  secrets: () => Promise<readonly string[]>;
  source: string;
}

/**
 * The flag's secrets; else the dev tenant's, as `npm start` keeps them: IMGREC_WEBHOOK_SECRET, or the (encrypted)
 * store in the data dir (IMGREC_DATA_DIR, default .imgrec), read again at each delivery so a secret made after the
 * receiver started, or rotated, counts at once. The store is read with the webhooks service's own code, which is only
 * there in a clone of the imgrec repository.
 * @throws WebhookSecretError for a malformed `--secret`.
 */
export const webhookSecretSource = (
  flag: string | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): SecretSource => {
  if (flag !== undefined) {
    const secrets = parseWebhookSecrets(flag);
    return { secrets: async () => secrets, source: '--secret' };
  }
  const dataDir = resolve(cwd, env.IMGREC_DATA_DIR ?? '.imgrec');
  return {
    secrets: async () => {
      const { readDevWebhookSecrets } = await import('@imgrec/webhooks/devWebhookSecret');
      return readDevWebhookSecrets(dataDir, env);
    },
    source: env.IMGREC_WEBHOOK_SECRET ? 'IMGREC_WEBHOOK_SECRET' : `the dev tenant's secrets in ${dataDir}`,
  };
};
