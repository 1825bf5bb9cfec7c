import { describe, expect, it } from '@jest/globals';
import { ConflictError, ImgrecError, ValidationError, isBlobId } from '@imgrec/shared';
import { TEST_CALLBACK_HOST, useLocalUploads } from '../testing/localUploads.js';
import { createUpload, secondsUntilNextUtcDay, type CreateUploadCommand } from './createUpload.js';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const ACME: CreateUploadCommand['caller'] = { tenantId: 'tnt_acme', maxBlobsPerDay: undefined };
const GLOBEX: CreateUploadCommand['caller'] = { tenantId: 'tnt_globex', maxBlobsPerDay: undefined };
const API = 'https://api.example.com';

describe('createUpload', () => {
  const uploads = useLocalUploads(() => NOW);

  const create = (command: Partial<CreateUploadCommand> = {}) =>
    createUpload({ caller: ACME, request: {}, apiBaseUrl: API, ...command }, uploads.deps);

  const limitedTo = (maxBlobsPerDay: number, caller = ACME) => ({ ...caller, maxBlobsPerDay });

  it('creates a blob awaiting its upload for the caller, with the defaults applied, and announces it', async () => {
    // Prepare
    const callbackUrl = `https://${TEST_CALLBACK_HOST}/imgrec`;

    // Act
    const { response, replayed } = await create({ request: { callback_url: callbackUrl } });

    // Assess
    expect(replayed).toBe(false);
    expect(isBlobId(response.blob_id)).toBe(true);
    expect(response).toStrictEqual({
      blob_id: response.blob_id,
      upload_url: expect.stringContaining(response.blob_id),
      upload_method: 'PUT',
      upload_headers: {},
      expires_at: '2026-11-27T12:10:00.000Z',
      status_url: `${API}/blobs/${response.blob_id}`,
    });
    const record = {
      blob_id: response.blob_id,
      tenant_id: 'tnt_acme',
      content_type: 'image/jpeg',
      options: { min_confidence: 30, max_labels: 20, features: ['labels'] },
      callback_url: callbackUrl,
      created_at: '2026-11-27T12:00:00.000Z',
      expires_at: '2026-11-27T12:10:00.000Z',
    };
    expect(await uploads.deps.repository.get(response.blob_id)).toStrictEqual(record);
    expect(uploads.published).toStrictEqual([{ detailType: 'BlobRequested', detail: record }]);
    expect(await uploads.counted('blobs_created')).toBe(1);
  });

  it('names the blob on its log lines from the moment it has an id, replays included', async () => {
    // Prepare
    const { response } = await create({ idempotencyKey: 'order-42' });

    // Act
    await create({ idempotencyKey: 'order-42' });

    // Assess
    expect(uploads.logs.lines).toMatchObject([
      { level: 'INFO', message: 'blob requested', service: 'uploads', blob_id: response.blob_id },
      { level: 'INFO', message: 'idempotent request replayed', service: 'uploads', blob_id: response.blob_id },
    ]);
  });

  it('binds the upload URL to a declared content_length, which the client must then send', async () => {
    // Act
    const { response } = await create({ request: { content_length: 48_213 } });

    // Assess
    expect(response.upload_headers).toStrictEqual({ 'Content-Length': '48213' });
    expect(new URL(response.upload_url).searchParams.get('content-length')).toBe('48213');
  });

  it('lets the upload URL live as long as the service is configured to, and not 10 minutes', async () => {
    // Act
    const { response } = await createUpload(
      { caller: ACME, request: {}, apiBaseUrl: API },
      { ...uploads.deps, uploadUrlTtlSeconds: 60 },
    );

    // Assess
    expect(response.expires_at).toBe('2026-11-27T12:01:00.000Z');
    expect(await uploads.deps.repository.get(response.blob_id)).toMatchObject({
      expires_at: '2026-11-27T12:01:00.000Z',
    });
  });

  it('keeps the Idempotency-Key on the blob’s record, so that deleting the blob can free it', async () => {
    // Act
    const { response } = await create({ idempotencyKey: 'order-42' });

    // Assess
    expect(await uploads.deps.repository.get(response.blob_id)).toMatchObject({ idempotency_key: 'order-42' });
    expect(uploads.published).toMatchObject([{ detailType: 'BlobRequested' }]);
    expect(uploads.published[0]?.detail).not.toHaveProperty('idempotency_key');
  });

  it('replays a repeated request under an Idempotency-Key: the same blob, announced again, counted once', async () => {
    // Prepare
    const first = await create({ request: { max_labels: 3 }, idempotencyKey: 'order-42' });

    // Act
    const again = await create({ request: { max_labels: 3 }, idempotencyKey: 'order-42' });

    // Assess
    expect(again).toStrictEqual({ response: first.response, replayed: true });
    expect(uploads.uploadCount()).toBe(1);
    expect(uploads.published.map(({ detailType, detail }) => [detailType, detail.blob_id])).toStrictEqual([
      ['BlobRequested', first.response.blob_id],
      ['BlobRequested', first.response.blob_id],
    ]);
    expect(await uploads.counted('blobs_created')).toBe(1);
  });

  it('refuses another request under a used Idempotency-Key, and creates nothing', async () => {
    // Prepare
    await create({ request: { max_labels: 3 }, idempotencyKey: 'order-42' });

    // Act
    const reused = create({ request: { max_labels: 4 }, idempotencyKey: 'order-42' });

    // Assess
    await expect(reused).rejects.toStrictEqual(
      new ConflictError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request in the last 24 hours.',
      ),
    );
    expect(uploads.uploadCount()).toBe(1);
    expect(uploads.published).toHaveLength(1);
  });

  it('keeps Idempotency-Keys per tenant: the same key from another tenant creates that tenant’s blob', async () => {
    // Prepare
    const fromAcme = await create({ request: { max_labels: 3 }, idempotencyKey: 'order-42' });

    // Act
    const fromGlobex = await create({ caller: GLOBEX, request: { max_labels: 3 }, idempotencyKey: 'order-42' });

    // Assess
    expect(fromGlobex.replayed).toBe(false);
    expect(fromGlobex.response.blob_id).not.toBe(fromAcme.response.blob_id);
    expect(await uploads.deps.repository.get(fromGlobex.response.blob_id)).toMatchObject({ tenant_id: 'tnt_globex' });
    expect(await uploads.counted('blobs_created')).toBe(2);
  });

  it('refuses a blob past the daily quota until midnight UTC, and creates, announces and counts nothing', async () => {
    // Prepare
    await create({ caller: limitedTo(1) });

    // Act
    const refused = create({ caller: limitedTo(1) });

    // Assess
    await expect(refused).rejects.toBeInstanceOf(ImgrecError);
    await expect(refused).rejects.toMatchObject({ code: 'quota_exceeded', retryAfterSeconds: 43_200 });
    expect(uploads.uploadCount()).toBe(1);
    expect(uploads.published).toHaveLength(1);
    expect(await uploads.counted('blobs_created')).toBe(1);
  });

  it('counts each tenant’s quota apart', async () => {
    // Prepare
    await create({ caller: limitedTo(1) });

    // Act
    const { replayed } = await create({ caller: limitedTo(1, GLOBEX) });

    // Assess
    expect(replayed).toBe(false);
    expect(uploads.uploadCount()).toBe(2);
  });

  it('never counts an idempotent replay, nor a request refused for its callback URL, against the quota', async () => {
    // Prepare
    const refusedCallback = create({ caller: limitedTo(1), request: { callback_url: 'https://10.0.0.1/hook' } });
    await expect(refusedCallback).rejects.toBeInstanceOf(ValidationError);
    const first = await create({ caller: limitedTo(1), idempotencyKey: 'order-42' });

    // Act
    const replay = await create({ caller: limitedTo(1), idempotencyKey: 'order-42' });

    // Assess
    expect(replay).toStrictEqual({ response: first.response, replayed: true });
    await expect(create({ caller: limitedTo(1) })).rejects.toMatchObject({ code: 'quota_exceeded' });
  });

  it('refuses a callback URL to a private address with invalid_callback_url, and creates nothing', async () => {
    // Act
    const refused = create({ request: { callback_url: 'https://10.0.0.1/hook' } });

    // Assess
    await expect(refused).rejects.toMatchObject({ code: 'invalid_callback_url' });
    expect(uploads.uploadCount()).toBe(0);
    expect(uploads.published).toStrictEqual([]);
    expect(await uploads.counted('blobs_created')).toBe(0);
  });
});

describe('secondsUntilNextUtcDay', () => {
  it.each([
    ['2026-11-27T00:00:00.000Z', 86_400],
    ['2026-11-27T12:00:00.000Z', 43_200],
    ['2026-11-27T23:59:58.500Z', 2],
    ['2026-11-27T23:59:59.999Z', 1],
    ['2026-12-31T23:00:00.000Z', 3_600],
    // Half past one in UTC+2 is still the day before in UTC.
    ['2026-11-27T01:30:00.000+02:00', 1_800],
  ])('counts the whole seconds from %s to midnight UTC, rounding up so a retry never comes early', (at, seconds) => {
    // Act
    const result = secondsUntilNextUtcDay(new Date(at));

    // Assess
    expect(result).toBe(seconds);
  });
});
