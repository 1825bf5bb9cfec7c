import { describe, expect, it } from '@jest/globals';
import { ConflictError, ValidationError, generateWebhookSecret, parseWebhookSecrets } from '@imgrec/shared';
import { openDatabase } from '@imgrec/shared/local';
import { randomBytes } from 'node:crypto';
import { buildAesGcmSecretCipher } from '../adapters/aesGcmSecretCipher/aesGcmSecretCipher.js';
import { buildSqliteTenantSecretStore } from '../adapters/sqliteTenantSecretStore/sqliteTenantSecretStore.js';
import { createTenantSecret, rotateTenantSecret } from './tenantSecrets.js';

const T0 = new Date('2026-11-27T12:00:00.000Z');
const hoursAfter = (date: Date, hours: number) => new Date(date.getTime() + hours * 3_600_000);

const newStore = () => buildSqliteTenantSecretStore(openDatabase(':memory:'), buildAesGcmSecretCipher(randomBytes(32)));

describe('createTenantSecret', () => {
  it('gives a tenant a fresh whsec_ secret, stored and returned once', async () => {
    const store = newStore();
    const { webhook_secret } = await createTenantSecret(store, 'tenant_a', { now: T0 });
    expect(parseWebhookSecrets(webhook_secret)).toEqual([webhook_secret]);
    expect(await store.list('tenant_a')).toEqual([
      { secret_id: expect.stringMatching(/^whs_/), secret: webhook_secret, created_at: T0.toISOString() },
    ]);
    expect(await store.list('tenant_b')).toEqual([]);
  });

  it('refuses a tenant that has a current secret, but not one whose secrets have all expired', async () => {
    const store = newStore();
    await createTenantSecret(store, 'tenant_a', { now: T0 });
    const again = createTenantSecret(store, 'tenant_a', { now: T0 });
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toThrow('tenant tenant_a already has a webhook secret; rotate it to get a new one');

    await store.add('tenant_b', {
      secret_id: 'whs_retired',
      secret: generateWebhookSecret(),
      created_at: hoursAfter(T0, -48).toISOString(),
      expires_at: hoursAfter(T0, -24).toISOString(),
    });
    const { webhook_secret } = await createTenantSecret(store, 'tenant_b', { now: T0 });
    expect((await store.list('tenant_b')).map((secret) => secret.secret)).toEqual([webhook_secret]);
  });
});

describe('rotateTenantSecret', () => {
  it('adds a new secret and keeps the old one signing for 24 hours by default', async () => {
    const store = newStore();
    const { webhook_secret: old } = await createTenantSecret(store, 'tenant_a', { now: T0 });
    const rotatedAt = hoursAfter(T0, 1);
    const { webhook_secret: fresh } = await rotateTenantSecret(store, 'tenant_a', { now: rotatedAt });

    expect(fresh).not.toBe(old);
    expect(await store.list('tenant_a')).toEqual([
      { secret_id: expect.any(String), secret: fresh, created_at: rotatedAt.toISOString() },
      {
        secret_id: expect.any(String),
        secret: old,
        created_at: T0.toISOString(),
        expires_at: hoursAfter(rotatedAt, 24).toISOString(),
      },
    ]);
  });

  it('takes the overlap in hours, 0 retiring the old secret at once', async () => {
    const store = newStore();
    await createTenantSecret(store, 'tenant_a', { now: T0 });
    await rotateTenantSecret(store, 'tenant_a', { overlapHours: 1.5, now: T0 });
    expect((await store.list('tenant_a'))[1]?.expires_at).toBe(hoursAfter(T0, 1.5).toISOString());
    await rotateTenantSecret(store, 'tenant_a', { overlapHours: 0, now: T0 });
    expect((await store.list('tenant_a')).map((secret) => secret.expires_at)).toEqual([
      undefined,
      T0.toISOString(),
      T0.toISOString(),
    ]);
  });

  it('gives a tenant without a secret its first', async () => {
    const store = newStore();
    const { webhook_secret } = await rotateTenantSecret(store, 'tenant_a', { now: T0 });
    expect((await store.list('tenant_a')).map((secret) => secret.secret)).toEqual([webhook_secret]);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 8761, '24' as unknown as number])(
    'refuses an overlap of %p hours and changes nothing',
    async (overlapHours) => {
      const store = newStore();
      await expect(rotateTenantSecret(store, 'tenant_a', { overlapHours, now: T0 })).rejects.toBeInstanceOf(
        ValidationError,
      );
      expect(await store.list('tenant_a')).toEqual([]);
    },
  );
});
