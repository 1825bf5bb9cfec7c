import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { generateWebhookSecret, type WebhookSigner } from '@imgrec/shared';
import { openDatabase } from '@imgrec/shared/local';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { buildAesGcmSecretCipher } from '../adapters/aesGcmSecretCipher/aesGcmSecretCipher.js';
import { buildSqliteTenantSecretStore } from '../adapters/sqliteTenantSecretStore/sqliteTenantSecretStore.js';
import type { TenantSecretStore } from '../ports.js';
import { MissingWebhookSecretError, buildSignerFor } from './buildSignerFor.js';

const T0 = Date.parse('2026-11-27T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;

/**
 * The real SQLite store in memory, counting its reads. The clock is the system's, faked and moved by the tests:
 * Powertools Parameters dates what it keeps with Date.now().
 */
const setup = () => {
  const store = buildSqliteTenantSecretStore(openDatabase(':memory:'), buildAesGcmSecretCipher(randomBytes(32)));
  let reads = 0;
  let failNextRead = false;
  const counted: TenantSecretStore = {
    list: async (tenantId) => {
      reads += 1;
      if (failNextRead) {
        failNextRead = false;
        throw new Error('store unavailable');
      }
      return store.list(tenantId);
    },
    add: store.add,
  };
  const add = async (tenantId: string, options: { createdAt?: number; expiresAt?: number } = {}) => {
    const secret = generateWebhookSecret();
    await store.add(tenantId, {
      secret_id: `sec_${randomBytes(4).toString('hex')}`,
      secret,
      created_at: iso(options.createdAt ?? Date.now()),
      ...(options.expiresAt !== undefined && { expires_at: iso(options.expiresAt) }),
    });
    return secret;
  };
  return {
    store: counted,
    add,
    reads: () => reads,
    failNextRead: () => (failNextRead = true),
    now: () => new Date(),
  };
};

/** Which of `secrets` verify a message that `sign` signed. */
const verifiedBy = (sign: WebhookSigner, secrets: readonly string[]): boolean[] => {
  const body = '{"type":"blob.labels_detected"}';
  // Signed at the test's clock, which the verifier reads too.
  const headers = sign({ id: 'msg_1', timestamp: new Date(), body });
  return secrets.map((secret) => {
    try {
      new Webhook(secret).verify(body, headers);
      return true;
    } catch {
      return false;
    }
  });
};

describe('buildSignerFor', () => {
  beforeEach(() => {
    jest.useFakeTimers({
      now: T0,
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate'],
    });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("signs with every current secret of the tenant, and with no other tenant's", async () => {
    const { store, add, now } = setup();
    const [older, newer] = [await add('tenant_a', { createdAt: T0 - MINUTE }), await add('tenant_a')];
    const other = await add('tenant_b');
    const signerFor = buildSignerFor(store, { now });

    const signer = await signerFor('tenant_a');
    expect(verifiedBy(signer, [older, newer, other])).toEqual([true, true, false]);
    const header = signer({ id: 'msg_1', timestamp: new Date(), body: '{}' })['webhook-signature'];
    expect(header.split(' ')).toHaveLength(2);
    expect(verifiedBy(await signerFor('tenant_b'), [older, newer, other])).toEqual([false, false, true]);
  });

  it('stops signing with a secret once it has expired', async () => {
    const { store, add, now } = setup();
    const leaving = await add('tenant_a', { createdAt: T0 - MINUTE, expiresAt: T0 + MINUTE });
    const current = await add('tenant_a');
    const signerFor = buildSignerFor(store, { now });

    expect(verifiedBy(await signerFor('tenant_a'), [leaving, current])).toEqual([true, true]);
    jest.setSystemTime(T0 + MINUTE);
    expect(verifiedBy(await signerFor('tenant_a'), [leaving, current])).toEqual([false, true]);
  });

  it('refuses a tenant without a secret, or whose secrets have all expired', async () => {
    const { store, add, now } = setup();
    await add('tenant_b', { createdAt: T0 - 2 * MINUTE, expiresAt: T0 });
    const signerFor = buildSignerFor(store, { now });
    await expect(signerFor('tenant_a')).rejects.toBeInstanceOf(MissingWebhookSecretError);
    await expect(signerFor('tenant_b')).rejects.toThrow('tenant tenant_b has no current webhook secret');
  });

  it('reads the store at every call without a cache, so a rotation counts at once', async () => {
    const { store, add, now, reads } = setup();
    const first = await add('tenant_a');
    const signerFor = buildSignerFor(store, { now });
    await signerFor('tenant_a');
    const second = await add('tenant_a');
    expect(verifiedBy(await signerFor('tenant_a'), [first, second])).toEqual([true, true]);
    expect(reads()).toBe(2);
  });

  it('with a cache, reads a tenant once per period, one read for calls at the same time, and sees a rotation after it', async () => {
    const { store, add, now, reads } = setup();
    const first = await add('tenant_a');
    const signerFor = buildSignerFor(store, { now, maxAgeSeconds: 300 });

    await Promise.all([signerFor('tenant_a'), signerFor('tenant_a'), signerFor('tenant_a')]);
    const second = await add('tenant_a');
    jest.setSystemTime(T0 + 5 * MINUTE - 1);
    expect(verifiedBy(await signerFor('tenant_a'), [first, second])).toEqual([true, false]);
    expect(reads()).toBe(1);

    jest.setSystemTime(T0 + 5 * MINUTE + 1);
    expect(verifiedBy(await signerFor('tenant_a'), [first, second])).toEqual([true, true]);
    expect(reads()).toBe(2);
  });

  it('with a cache, still stops signing with a secret the moment it expires', async () => {
    const { store, add, now } = setup();
    const leaving = await add('tenant_a', { createdAt: T0 - MINUTE, expiresAt: T0 + MINUTE });
    const current = await add('tenant_a');
    const signerFor = buildSignerFor(store, { now, maxAgeSeconds: 300 });
    await signerFor('tenant_a');
    jest.setSystemTime(T0 + MINUTE);
    expect(verifiedBy(await signerFor('tenant_a'), [leaving, current])).toEqual([false, true]);
  });

  it('with a cache, keeps neither a failed read nor a tenant found without secrets', async () => {
    const { store, add, now, reads, failNextRead } = setup();
    const signerFor = buildSignerFor(store, { now, maxAgeSeconds: 300 });
    failNextRead();
    await expect(signerFor('tenant_a')).rejects.toThrow('store unavailable');
    await expect(signerFor('tenant_a')).rejects.toBeInstanceOf(MissingWebhookSecretError);
    const secret = await add('tenant_a');
    expect(verifiedBy(await signerFor('tenant_a'), [secret])).toEqual([true]);
    expect(reads()).toBe(3);
  });

  it('signs a tenant with a fixed secret list instead of the store, and only that tenant', async () => {
    const { store, add, now, reads } = setup();
    const stored = await add('dev');
    const other = await add('tenant_a');
    const configured = [generateWebhookSecret(), generateWebhookSecret()];
    const signerFor = buildSignerFor(store, { now, fixed: new Map([['dev', configured]]) });

    expect(verifiedBy(await signerFor('dev'), [...configured, stored])).toEqual([true, true, false]);
    expect(reads()).toBe(0);
    expect(verifiedBy(await signerFor('tenant_a'), [other])).toEqual([true]);
  });
});
