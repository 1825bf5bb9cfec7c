import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWebhookSecret, parseWebhookSecrets } from '../webhookSecrets/webhookSecrets.js';

/** Where local mode keeps the webhook secret it generated, inside the data dir. */
export const LOCAL_WEBHOOK_SECRET_FILE = 'webhook-secret';

export interface LocalWebhookSecret {
  secrets: string[];
  /** True only for the call that created the file: the one that should print the new secret. */
  generated: boolean;
  /** The file the secrets came from, or undefined when they came from IMGREC_WEBHOOK_SECRET. */
  file: string | undefined;
}

/**
 * The webhook secrets of local mode. IMGREC_WEBHOOK_SECRET wins when it is set; otherwise the secret is read from
 * `<dataDir>/webhook-secret`, which the first call creates (mode 0600) with a fresh secret, so that receivers keep
 * verifying across restarts. Creation is exclusive (`wx`), so two processes starting at once agree on one secret.
 * @throws WebhookSecretError when the configured or stored secret is malformed.
 */
export const ensureLocalWebhookSecret = (
  dataDir: string,
  configured: string | undefined = process.env.IMGREC_WEBHOOK_SECRET,
): LocalWebhookSecret => {
  if (configured !== undefined && configured.trim() !== '') {
    return { secrets: parseWebhookSecrets(configured), generated: false, file: undefined };
  }
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCAL_WEBHOOK_SECRET_FILE);
  let generated = false;
  try {
    writeFileSync(file, `${generateWebhookSecret()}\n`, { mode: 0o600, flag: 'wx' });
    generated = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { secrets: parseWebhookSecrets(readFileSync(file, 'utf8')), generated, file };
};
