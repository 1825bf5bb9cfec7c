import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigError, WebhookSecretError, generateWebhookSecret, parseWebhookSecrets } from '@imgrec/shared';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localTenantSecretStore } from '../adminLocal.js';
import { rotateTenantSecret } from '../tenantSecrets/tenantSecrets.js';
import { DEV_TENANT_ID, ensureDevWebhookSecret, readDevWebhookSecrets } from './devWebhookSecret.js';

describe('the dev tenant’s webhook secret', () => {
  let root: string;
  let dataDir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'imgrec-dev-secret-'));
    dataDir = join(root, '.imgrec');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Runs `use` on the data dir's store, as the admin CLI would, and closes it. */
  const withStore = async <T>(use: (store: ReturnType<typeof localTenantSecretStore>) => Promise<T>) => {
    const store = localTenantSecretStore(dataDir);
    try {
      return await use(store);
    } finally {
      store.close();
    }
  };

  it('is generated once, at the first start, kept encrypted in the data dir, and read back for a receiver', async () => {
    expect(await readDevWebhookSecrets(dataDir, {})).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);

    const first = await ensureDevWebhookSecret(dataDir, {});
    expect(first.migrated).toBe(false);
    const generated = first.generated ?? '';
    expect(parseWebhookSecrets(generated)).toEqual([generated]);
    expect(await ensureDevWebhookSecret(dataDir, {})).toEqual({ generated: undefined, migrated: false });

    expect(await readDevWebhookSecrets(dataDir, {})).toEqual([generated]);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['webhook-secrets-key', 'webhooks.db']));
    for (const file of readdirSync(dataDir)) {
      expect(readFileSync(join(dataDir, file)).includes(generated.slice('whsec_'.length))).toBe(false);
    }
  });

  it('is IMGREC_WEBHOOK_SECRET when that is set: nothing is generated, nothing is written', async () => {
    const configured = [generateWebhookSecret(), generateWebhookSecret()];
    const env = { IMGREC_WEBHOOK_SECRET: configured.join(' ') };
    expect(await ensureDevWebhookSecret(dataDir, env)).toEqual({ generated: undefined, migrated: false });
    expect(existsSync(dataDir)).toBe(false);
    expect(await readDevWebhookSecrets(dataDir, env)).toEqual(configured);
    await expect(ensureDevWebhookSecret(dataDir, { IMGREC_WEBHOOK_SECRET: 'whsec_short' })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it('takes over the secret file of a release before tenants, so receivers keep verifying, and deletes it', async () => {
    const legacy = generateWebhookSecret();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'webhook-secret'), `${legacy}\n`, { mode: 0o600 });
    expect(await readDevWebhookSecrets(dataDir, {})).toEqual([legacy]);

    expect(await ensureDevWebhookSecret(dataDir, {})).toEqual({ generated: undefined, migrated: true });
    expect(existsSync(join(dataDir, 'webhook-secret'))).toBe(false);
    expect(await readDevWebhookSecrets(dataDir, {})).toEqual([legacy]);
    expect(await ensureDevWebhookSecret(dataDir, {})).toEqual({ generated: undefined, migrated: false });
  });

  it('finishes a take-over that stopped before deleting the file, without a duplicate', async () => {
    const legacy = generateWebhookSecret();
    await ensureDevWebhookSecret(dataDir, {});
    await withStore((store) =>
      store.add(DEV_TENANT_ID, { secret_id: 'whs_legacy', secret: legacy, created_at: new Date().toISOString() }),
    );
    writeFileSync(join(dataDir, 'webhook-secret'), legacy);

    expect(await ensureDevWebhookSecret(dataDir, {})).toEqual({ generated: undefined, migrated: true });
    expect(await withStore((store) => store.list(DEV_TENANT_ID))).toHaveLength(2);
  });

  it('refuses a malformed secret file, naming it', async () => {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'webhook-secret'), 'not-a-secret');
    const attempt = ensureDevWebhookSecret(dataDir, {});
    await expect(attempt).rejects.toBeInstanceOf(WebhookSecretError);
    await expect(attempt).rejects.toThrow(join(dataDir, 'webhook-secret'));
  });

  it('follows a rotation made with the admin CLI while the server runs', async () => {
    const { generated } = await ensureDevWebhookSecret(dataDir, {});
    const { webhook_secret: rotated } = await withStore((store) => rotateTenantSecret(store, DEV_TENANT_ID));
    expect(await readDevWebhookSecrets(dataDir, {})).toEqual([rotated, generated]);
    const { webhook_secret: again } = await withStore((store) =>
      rotateTenantSecret(store, DEV_TENANT_ID, { overlapHours: 0 }),
    );
    expect(await readDevWebhookSecrets(dataDir, {})).toEqual([again]);
  });
});
