import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookSecretError } from '../errors.js';
import { generateWebhookSecret } from '../webhookSecrets/webhookSecrets.js';
import { ensureLocalWebhookSecret } from './ensureLocalWebhookSecret.js';

describe('ensureLocalWebhookSecret', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'imgrec-secret-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates a secret at first start, keeps it in the data dir readable by the owner only, and reuses it', () => {
    const first = ensureLocalWebhookSecret(join(dataDir, 'nested'), undefined);
    expect(first.generated).toBe(true);
    expect(first.secrets).toHaveLength(1);
    expect(first.file).toBe(join(dataDir, 'nested', 'webhook-secret'));
    expect(statSync(first.file as string).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.file as string, 'utf8').trim()).toBe(first.secrets[0]);

    const second = ensureLocalWebhookSecret(join(dataDir, 'nested'), undefined);
    expect(second).toEqual({ ...first, generated: false });
  });

  it('prefers IMGREC_WEBHOOK_SECRET and writes nothing', () => {
    const configured = `${generateWebhookSecret()} ${generateWebhookSecret()}`;
    expect(ensureLocalWebhookSecret(dataDir, configured)).toEqual({
      secrets: configured.split(' '),
      generated: false,
      file: undefined,
    });
    expect(() => statSync(join(dataDir, 'webhook-secret'))).toThrow();
  });

  it('treats an empty IMGREC_WEBHOOK_SECRET as unset', () => {
    expect(ensureLocalWebhookSecret(dataDir, '  ').generated).toBe(true);
  });

  it('refuses a stored secret that was edited into a bad one', () => {
    writeFileSync(join(dataDir, 'webhook-secret'), 'hunter2');
    expect(() => ensureLocalWebhookSecret(dataDir, undefined)).toThrow(WebhookSecretError);
  });
});
