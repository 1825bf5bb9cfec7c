import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { startWebhookListener, type ListenedDelivery, type WebhookListener } from '@imgrec/client';
import {
  FIXTURES_DIR,
  admin,
  authorizationOf,
  createBlob,
  getBlob,
  putBytes,
  startStack,
  uploadImage,
  waitForBlob,
  type ApiTarget,
  type RunningStack,
} from './harness.js';

interface CreatedTenant {
  tenant_id: string;
  name: string;
  key_id: string;
  api_key: string;
  webhook_secret: string;
}

const run = promisify(execFile);

const errorOf = async (response: Response) => ({
  status: response.status,
  code: ((await response.json()) as { error: { code: string } }).error.code,
  wwwAuthenticate: response.headers.get('www-authenticate'),
});

const postWith = (baseUrl: string, headers: Record<string, string>, body = '{}') =>
  fetch(`${baseUrl}/blobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const dog = readFileSync(join(FIXTURES_DIR, 'dog.jpg'));

/** Every file under `dir`, as bytes: the SQLite databases, their WAL files, the images, the key files. */
const filesUnder = (dir: string): { path: string; bytes: Buffer }[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path) }];
  });

describe('tenants over the local stack', () => {
  let stack: RunningStack;
  let listener: WebhookListener;
  let other: CreatedTenant;
  let otherTarget: ApiTarget;
  let devSecret: string;

  beforeAll(async () => {
    listener = await startWebhookListener({ port: 0 });
    stack = await startStack({ env: { IMGREC_CALLBACK_ALLOW_HOSTS: `127.0.0.1:${listener.port}` } });
    other = (await admin(stack.dataDir, 'tenants', 'create', 'Other Co')) as unknown as CreatedTenant;
    otherTarget = { baseUrl: stack.baseUrl, apiKey: other.api_key };
    const rotated = await admin(stack.dataDir, 'webhook-secret', 'rotate', 'dev', '--overlap-hours', '0');
    devSecret = String(rotated.webhook_secret);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await listener?.close();
  });

  it('creates a tenant with a key, a key id and a webhook secret, shown once', () => {
    expect(other).toEqual({
      tenant_id: expect.stringMatching(/^tnt_[0-9a-f]{20}$/),
      name: 'Other Co',
      key_id: expect.stringMatching(/^key_[0-9a-f]{20}$/),
      api_key: expect.stringMatching(/^imgrec_sk_[A-Za-z0-9_-]{43,}$/),
      webhook_secret: expect.stringMatching(/^whsec_/),
    });
  });

  it('never shows one tenant’s blob to another: 404 blob_not_found, as for an unknown blob', async () => {
    const blobId = await uploadImage(stack, 'horses.jpg');
    expect((await waitForBlob(stack, blobId)).status).toBe('succeeded');
    const foreign = await fetch(`${stack.baseUrl}/blobs/${blobId}`, { headers: authorizationOf(otherTarget) });
    expect(await errorOf(foreign)).toEqual({ status: 404, code: 'blob_not_found', wwwAuthenticate: null });
  });

  it('keeps Idempotency-Keys apart: the same key from two tenants makes two blobs', async () => {
    const key = `shared-key-${Date.now()}`;
    const mine = await postWith(stack.baseUrl, { ...authorizationOf(stack), 'idempotency-key': key });
    const theirs = await postWith(stack.baseUrl, { ...authorizationOf(otherTarget), 'idempotency-key': key });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    const [myBlob, theirBlob] = [
      (await mine.json()) as { blob_id: string },
      (await theirs.json()) as { blob_id: string },
    ];
    expect(theirBlob.blob_id).not.toBe(myBlob.blob_id);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect((await getBlob(otherTarget, theirBlob.blob_id)).status).toBe('awaiting_upload');
  });

  it('signs each tenant’s callbacks with that tenant’s secret only', async () => {
    const verifies = (secret: string, delivery: ListenedDelivery | undefined) => {
      try {
        new Webhook(secret).verify(delivery?.body ?? '', {
          'webhook-id': String(delivery?.headers['webhook-id']),
          'webhook-timestamp': String(delivery?.headers['webhook-timestamp']),
          'webhook-signature': String(delivery?.headers['webhook-signature']),
        });
        return true;
      } catch {
        return false;
      }
    };
    const mine = await uploadImage(stack, 'dog.jpg', { callback_url: `${listener.url}dev` });
    const theirs = await uploadImage(otherTarget, 'dog.jpg', { callback_url: `${listener.url}other` });
    await waitForBlob(stack, mine, (blob) => (blob.callback as { status: string }).status === 'delivered');
    await waitForBlob(otherTarget, theirs, (blob) => (blob.callback as { status: string }).status === 'delivered');
    const toDev = listener.deliveries.find((delivery) => delivery.path === '/dev');
    const toOther = listener.deliveries.find((delivery) => delivery.path === '/other');
    expect([verifies(devSecret, toDev), verifies(other.webhook_secret, toDev)]).toEqual([true, false]);
    expect([verifies(other.webhook_secret, toOther), verifies(devSecret, toOther)]).toEqual([true, false]);
  }, 60_000);

  describe('refuses every request without a working key, with its 401 code and changes nothing', () => {
    it.each([
      ['no Authorization header', {}, 'missing_api_key'],
      ['an empty Authorization header', { authorization: '' }, 'missing_api_key'],
      ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'invalid_api_key'],
      ['Bearer without a key', { authorization: 'Bearer' }, 'invalid_api_key'],
      ['two tokens', { authorization: 'Bearer imgrec_sk_a imgrec_sk_b' }, 'invalid_api_key'],
      ['a malformed key', { authorization: 'Bearer sk_live_1234' }, 'invalid_api_key'],
      ['a well-formed key nobody issued', { authorization: `Bearer imgrec_sk_${'A'.repeat(43)}` }, 'invalid_api_key'],
    ])('%s', async (_case, headers, code) => {
      const response = await postWith(stack.baseUrl, headers as Record<string, string>);
      expect(await errorOf(response)).toEqual({ status: 401, code, wwwAuthenticate: 'Bearer' });
    });

    it('GET /blobs/{id} too', async () => {
      const response = await fetch(`${stack.baseUrl}/blobs/AAAAAAAAAAAAAAAAAAAAAA`);
      expect(await errorOf(response)).toEqual({ status: 401, code: 'missing_api_key', wwwAuthenticate: 'Bearer' });
    });

    it('a revoked key, at once', async () => {
      const key = (await admin(stack.dataDir, 'keys', 'create', other.tenant_id)) as {
        key_id: string;
        api_key: string;
      };
      const target = { baseUrl: stack.baseUrl, apiKey: key.api_key };
      expect((await createBlob(target)).blob_id).toEqual(expect.any(String));
      await admin(stack.dataDir, 'keys', 'revoke', key.key_id);
      expect(await errorOf(await postWith(stack.baseUrl, authorizationOf(target)))).toMatchObject({
        status: 401,
        code: 'invalid_api_key',
      });
      // The tenant's other key is untouched.
      expect((await createBlob(otherTarget)).blob_id).toEqual(expect.any(String));
    });

    it('an expired key', async () => {
      const key = (await admin(stack.dataDir, 'keys', 'create', other.tenant_id, '--expires-in-days', '0.00003')) as {
        api_key: string;
      };
      await new Promise((wait) => setTimeout(wait, 3000));
      expect(
        await errorOf(await postWith(stack.baseUrl, authorizationOf({ baseUrl: stack.baseUrl, apiKey: key.api_key }))),
      ).toMatchObject({ status: 401, code: 'invalid_api_key' });
    });

    it('a key of a disabled tenant', async () => {
      const doomed = (await admin(stack.dataDir, 'tenants', 'create', 'Doomed')) as unknown as CreatedTenant;
      const target = { baseUrl: stack.baseUrl, apiKey: doomed.api_key };
      expect((await createBlob(target)).blob_id).toEqual(expect.any(String));
      await admin(stack.dataDir, 'tenants', 'disable', doomed.tenant_id);
      expect(await errorOf(await postWith(stack.baseUrl, authorizationOf(target)))).toMatchObject({
        status: 401,
        code: 'invalid_api_key',
      });
    });
  });

  it('holds a tenant to its daily quota: of 20 concurrent POSTs against a limit of 5, exactly 5 succeed', async () => {
    const limited = (await admin(
      stack.dataDir,
      'tenants',
      'create',
      'Limited',
      '--max-blobs-per-day',
      '5',
    )) as unknown as CreatedTenant;
    const target = { baseUrl: stack.baseUrl, apiKey: limited.api_key };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => postWith(stack.baseUrl, authorizationOf(target))),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(5);
    const refused = responses.filter((response) => response.status !== 201);
    expect(refused).toHaveLength(15);
    for (const response of refused) {
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(86_400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('quota_exceeded');
    }
  });

  describe('uploads that cannot be abused', () => {
    it('takes the plain `curl --upload-file` upload, with no header at all', async () => {
      const created = await createBlob(stack);
      expect(created.upload_headers).toEqual({});
      const { stdout } = await run('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '--upload-file',
        join(FIXTURES_DIR, 'dog.jpg'),
        created.upload_url,
      ]);
      expect(stdout).toBe('200');
      expect((await waitForBlob(stack, created.blob_id)).labels).toEqual(expect.arrayContaining(['dog']));
    }, 60_000);

    it('refuses a replayed upload with 409, and labels the blob once', async () => {
      const created = await createBlob(stack);
      expect((await putBytes(created, dog)).status).toBe(200);
      const replay = await putBytes(created, readFileSync(join(FIXTURES_DIR, 'horses.jpg')));
      expect(replay.status).toBe(409);
      const blob = await waitForBlob(stack, created.blob_id);
      expect(blob.labels).toEqual(expect.arrayContaining(['dog']));
      const recognitions = stack
        .logs()
        .filter(
          (line) =>
            line.message === 'event published' &&
            line.detail_type === 'BlobCreated' &&
            line.blob_id === created.blob_id,
        );
      expect(recognitions).toHaveLength(1);
    }, 60_000);

    it('refuses an oversized upload with 413, and the blob stays uploadable', async () => {
      const created = await createBlob(stack);
      expect((await putBytes(created, new Uint8Array(15 * 1024 * 1024 + 1))).status).toBe(413);
      expect((await getBlob(stack, created.blob_id)).status).toBe('awaiting_upload');
    });

    it('binds the URL to the declared content_length', async () => {
      const created = await createBlob(stack, { content_length: dog.byteLength });
      expect(created.upload_headers).toEqual({ 'Content-Length': String(dog.byteLength) });
      const shorter = await putBytes({ ...created, upload_headers: {} }, dog.subarray(0, 1000));
      expect(shorter.status).toBe(403);
      expect(((await shorter.json()) as { error: { code: string } }).error.code).toBe('content_length_mismatch');
      expect((await putBytes(created, dog)).status).toBe(200);
      expect((await waitForBlob(stack, created.blob_id)).status).toBe('succeeded');
    }, 60_000);

    it('refuses a content_length over 15 MB at POST', async () => {
      const response = await postWith(stack.baseUrl, authorizationOf(stack), '{"content_length":15728641}');
      expect(await errorOf(response)).toMatchObject({ status: 400, code: 'image_too_large' });
    });
  });

  it('keeps no API key or webhook secret in clear anywhere in the data dir (but the dev key file)', () => {
    const files = filesUnder(stack.dataDir).filter(({ path }) => !path.endsWith('dev-api-key'));
    expect(files.length).toBeGreaterThan(5);
    for (const needle of [other.api_key, other.webhook_secret, stack.apiKey, devSecret]) {
      const holders = files.filter(({ bytes }) => bytes.includes(needle)).map(({ path }) => path);
      expect({ needle: needle.slice(0, 12), holders }).toEqual({ needle: needle.slice(0, 12), holders: [] });
    }
  });
});
