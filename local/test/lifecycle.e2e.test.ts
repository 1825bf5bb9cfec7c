import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  type BlobBody,
  type RunningStack,
} from './harness.js';

/** A new tenant on the stack, made with the admin CLI as an operator would. */
const newTenant = async (stack: RunningStack, name: string): Promise<ApiTarget> => ({
  baseUrl: stack.baseUrl,
  apiKey: String((await admin(stack.dataDir, 'tenants', 'create', name)).api_key),
});

interface Page {
  data: BlobBody[];
  next_cursor: string | null;
}

const list = async (
  target: ApiTarget,
  query = '',
): Promise<{ status: number; body: Page & { error?: { code: string } } }> => {
  const response = await fetch(`${target.baseUrl}/blobs${query}`, { headers: authorizationOf(target) });
  return { status: response.status, body: (await response.json()) as Page & { error?: { code: string } } };
};

const listAll = async (target: ApiTarget, query: string): Promise<BlobBody[]> => {
  const seen: BlobBody[] = [];
  let cursor: string | null = null;
  do {
    const separator = query === '' ? '?' : '&';
    const page = await list(
      target,
      `${query}${cursor === null ? '' : `${query === '' ? '?' : separator}cursor=${encodeURIComponent(cursor)}`}`,
    );
    expect(page.status).toBe(200);
    seen.push(...page.body.data);
    cursor = page.body.next_cursor;
  } while (cursor !== null);
  return seen;
};

const remove = (target: ApiTarget, blobId: string) =>
  fetch(`${target.baseUrl}/blobs/${blobId}`, { method: 'DELETE', headers: authorizationOf(target) });

const codeOf = async (response: Response) => ({
  status: response.status,
  code: response.status === 204 ? undefined : ((await response.json()) as { error: { code: string } }).error.code,
});

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

describe('the blob lifecycle over the local stack', () => {
  let stack: RunningStack;
  let listener: WebhookListener;
  let receiverStatus = 503;

  beforeAll(async () => {
    listener = await startWebhookListener({ port: 0, respond: () => receiverStatus });
    stack = await startStack({
      env: {
        IMGREC_CALLBACK_ALLOW_HOSTS: `127.0.0.1:${listener.port}`,
        IMGREC_RETRY_SCHEDULE: '2,2,2',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await listener?.close();
  });

  describe('GET /blobs', () => {
    it('lists the calling tenant’s blobs only, newest first, each exactly as GET shows it', async () => {
      const acme = await newTenant(stack, 'Acme');
      const other = await newTenant(stack, 'Other');
      const first = (await createBlob(acme)).blob_id;
      const second = (await createBlob(acme)).blob_id;
      const theirs = (await createBlob(other)).blob_id;

      const mine = await list(acme);
      expect(mine.status).toBe(200);
      expect(mine.body.data.map((blob) => blob.blob_id)).toEqual([second, first]);
      expect(mine.body.data[0]).toEqual(await getBlob(acme, second));
      expect(mine.body.next_cursor).toBeNull();
      expect((await list(other)).body.data.map((blob) => blob.blob_id)).toEqual([theirs]);
    });

    it('walks 45 blobs 20 at a time without a duplicate or a gap while 5 more arrive', async () => {
      const walker = await newTenant(stack, 'Walker');
      const existing: string[] = [];
      for (let index = 0; index < 45; index += 1) existing.push((await createBlob(walker)).blob_id);

      const first = await list(walker, '?limit=20');
      expect(first.body.data).toHaveLength(20);
      const arrivals = await Promise.all(Array.from({ length: 5 }, async () => (await createBlob(walker)).blob_id));
      const second = await list(walker, `?limit=20&cursor=${encodeURIComponent(first.body.next_cursor ?? '')}`);
      const third = await list(walker, `?limit=20&cursor=${encodeURIComponent(second.body.next_cursor ?? '')}`);

      const walked = [...first.body.data, ...second.body.data, ...third.body.data].map((blob) => String(blob.blob_id));
      expect(walked).toEqual([...existing].reverse());
      expect(third.body.next_cursor).toBeNull();
      expect(walked.some((id) => arrivals.includes(id))).toBe(false);
      // A new walk sees the arrivals first.
      expect((await list(walker, '?limit=5')).body.data.map((blob) => blob.blob_id).sort()).toEqual(arrivals.sort());
    });

    it('filters by status', async () => {
      const sorter = await newTenant(stack, 'Sorter');
      const labelled = await uploadImage(sorter, 'horses.jpg');
      await waitForBlob(sorter, labelled);
      const waiting = (await createBlob(sorter)).blob_id;
      expect((await listAll(sorter, '?status=succeeded')).map((blob) => blob.blob_id)).toEqual([labelled]);
      expect((await listAll(sorter, '?status=awaiting_upload')).map((blob) => blob.blob_id)).toEqual([waiting]);
      expect(await listAll(sorter, '?status=failed')).toEqual([]);
    }, 60_000);

    it.each([
      ['?status=done', 'invalid_status'],
      ['?limit=0', 'invalid_limit'],
      ['?limit=101', 'invalid_limit'],
      ['?limit=ten', 'invalid_limit'],
      ['?cursor=not-a-cursor', 'invalid_cursor'],
    ])('refuses %s with 400 %s', async (query, code) => {
      const answer = await list(stack, query);
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 400, code });
    });

    it('refuses a cursor that was truncated, altered, or issued to another tenant', async () => {
      const owner = await newTenant(stack, 'Cursor owner');
      const thief = await newTenant(stack, 'Cursor thief');
      for (let index = 0; index < 3; index += 1) await createBlob(owner);
      const cursor = (await list(owner, '?limit=1')).body.next_cursor ?? '';
      expect(cursor).not.toBe('');
      // One character of the MAC changed (never to itself: that made this test pass by chance one run in 64).
      const replaced = cursor.at(-2) === 'A' ? 'B' : 'A';
      const altered = `${cursor.slice(0, -2)}${replaced}${cursor.slice(-1)}`;
      for (const [target, bad] of [
        [owner, cursor.slice(0, cursor.length - 5)],
        [owner, altered],
        [thief, cursor],
      ] as const) {
        const answer = await list(target, `?limit=1&cursor=${encodeURIComponent(bad)}`);
        expect({ status: answer.status, code: answer.body.error?.code }).toEqual({
          status: 400,
          code: 'invalid_cursor',
        });
      }
      // And the cursor still works for its owner.
      expect((await list(owner, `?limit=1&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
    });
  });

  describe('DELETE /blobs/{blob_id}', () => {
    it('deletes the blob: then GET, DELETE and the list answer as if it never was, and its image file is gone', async () => {
      const blobId = await uploadImage(stack, 'dog.jpg');
      await waitForBlob(stack, blobId);
      expect(existsSync(join(stack.dataDir, 'objects', blobId))).toBe(true);

      expect(await codeOf(await remove(stack, blobId))).toEqual({ status: 204, code: undefined });
      const read = await fetch(`${stack.baseUrl}/blobs/${blobId}`, { headers: authorizationOf(stack) });
      expect(await codeOf(read)).toEqual({ status: 404, code: 'blob_not_found' });
      expect(await codeOf(await remove(stack, blobId))).toEqual({ status: 404, code: 'blob_not_found' });
      expect((await listAll(stack, '')).some((blob) => blob.blob_id === blobId)).toBe(false);
      const files = readdirSync(stack.dataDir, { recursive: true, encoding: 'utf8' });
      expect(files.filter((path) => path.includes(blobId))).toEqual([]);
    }, 60_000);

    it('answers 404 for an unknown blob, and for another tenant’s, which it leaves alone', async () => {
      const stranger = await newTenant(stack, 'Stranger');
      const blobId = (await createBlob(stack)).blob_id;
      expect(await codeOf(await remove(stranger, blobId))).toEqual({ status: 404, code: 'blob_not_found' });
      expect((await getBlob(stack, blobId)).status).toBe('awaiting_upload');
      expect(await codeOf(await remove(stack, 'AAAAAAAAAAAAAAAAAAAAAA'))).toEqual({
        status: 404,
        code: 'blob_not_found',
      });
      expect(await codeOf(await remove(stack, 'not-an-id'))).toEqual({ status: 400, code: 'invalid_blob_id' });
    });

    it('wins over a recognition that is still running: the outcome never brings the blob back', async () => {
      const created = await createBlob(stack);
      expect((await putBytes(created, readFileSync(join(FIXTURES_DIR, 'astronaut.png')))).status).toBe(200);
      expect((await remove(stack, created.blob_id)).status).toBe(204);
      // Give recognition time to finish and announce whatever it found.
      await sleep(3000);
      const read = await fetch(`${stack.baseUrl}/blobs/${created.blob_id}`, { headers: authorizationOf(stack) });
      expect(read.status).toBe(404);
      expect((await listAll(stack, '')).some((blob) => blob.blob_id === created.blob_id)).toBe(false);
    }, 60_000);

    it('cancels a pending callback: the receiver hears nothing more after the delete', async () => {
      receiverStatus = 503;
      const blobId = await uploadImage(stack, 'coffee.png', { callback_url: `${listener.url}pending` });
      const to = () => listener.deliveries.filter((delivery: ListenedDelivery) => delivery.path === '/pending');
      const deadline = Date.now() + 30_000;
      while (to().length === 0 && Date.now() < deadline) await sleep(50);
      expect(to()).toHaveLength(1);
      expect((await remove(stack, blobId)).status).toBe(204);
      const heard = to().length;
      receiverStatus = 204;
      // Past two retries of the 2-second schedule.
      await sleep(6000);
      expect(to()).toHaveLength(heard);
    }, 60_000);
  });
});

describe('upload URLs that expire unused', () => {
  let stack: RunningStack;
  let listener: WebhookListener;

  beforeAll(async () => {
    listener = await startWebhookListener({ port: 0 });
    stack = await startStack({
      env: { IMGREC_UPLOAD_URL_TTL_S: '2', IMGREC_CALLBACK_ALLOW_HOSTS: `127.0.0.1:${listener.port}` },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await listener?.close();
  });

  it('make the blob expired: terminal, listed under ?status=expired, refused at PUT, and no callback', async () => {
    const created = await createBlob(stack, { callback_url: `${listener.url}expired` });
    const { expires_at: expiresAt } = created as typeof created & { expires_at: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(2000);
    await sleep(2500);
    expect((await getBlob(stack, created.blob_id)).status).toBe('expired');
    expect((await listAll(stack, '?status=expired')).map((blob) => blob.blob_id)).toContain(created.blob_id);
    expect((await listAll(stack, '?status=awaiting_upload')).map((blob) => blob.blob_id)).not.toContain(
      created.blob_id,
    );
    const late = await putBytes(created, readFileSync(join(FIXTURES_DIR, 'dog.jpg')));
    expect(await codeOf(late)).toEqual({ status: 403, code: 'upload_url_expired' });
    await sleep(1000);
    expect((await getBlob(stack, created.blob_id)).status).toBe('expired');
    expect(listener.deliveries.filter((delivery) => delivery.path === '/expired')).toEqual([]);
  }, 30_000);
});

describe('retention', () => {
  it('deletes images, then records, once their retention has passed', async () => {
    // Two seconds for images and four for records, swept every second: days are fractional on purpose here.
    const stack = await startStack({
      env: {
        IMGREC_IMAGE_RETENTION_DAYS: String(2 / 86_400),
        IMGREC_RECORD_RETENTION_DAYS: String(4 / 86_400),
        IMGREC_RETENTION_SWEEP_INTERVAL_S: '1',
      },
    });
    try {
      const blobId = await uploadImage(stack, 'horses.jpg');
      expect((await waitForBlob(stack, blobId)).status).toBe('succeeded');
      const image = join(stack.dataDir, 'objects', blobId);
      expect(existsSync(image)).toBe(true);

      const deadline = Date.now() + 20_000;
      while (existsSync(image) && Date.now() < deadline) await sleep(200);
      expect(existsSync(image)).toBe(false);
      while (Date.now() < deadline) {
        const read = await fetch(`${stack.baseUrl}/blobs/${blobId}`, { headers: authorizationOf(stack) });
        if (read.status === 404) break;
        await sleep(200);
      }
      const gone = await fetch(`${stack.baseUrl}/blobs/${blobId}`, { headers: authorizationOf(stack) });
      expect(await codeOf(gone)).toEqual({ status: 404, code: 'blob_not_found' });
      expect((await listAll(stack, '')).some((blob) => blob.blob_id === blobId)).toBe(false);
    } finally {
      await stack.stop();
    }
  }, 90_000);
});
