import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createImgrecClient, ImgrecApiError, type ImgrecClient } from '@imgrec/client';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR, startStack, type RunningStack } from '../../../local/test/harness.js';

describe('the typed client against the local stack', () => {
  let stack: RunningStack;
  let client: ImgrecClient;

  beforeAll(async () => {
    stack = await startStack();
    client = createImgrecClient({ apiUrl: stack.baseUrl, apiKey: stack.apiKey });
  }, 120_000);

  afterAll(async () => {
    await stack.stop();
  });

  it('labels a file by its path: upload, then wait for the result', async () => {
    const blob = await client.label(join(FIXTURES_DIR, 'dog.jpg'), { max_labels: 5 });
    expect(blob).toMatchObject({ status: 'succeeded', options: { max_labels: 5 } });
    expect(blob.labels).toContain('dog');
    expect(blob.label_details?.find((label) => label.name === 'dog')?.instances[0]?.bounding_box).toEqual({
      left: expect.any(Number),
      top: expect.any(Number),
      width: expect.any(Number),
      height: expect.any(Number),
    });
  });

  it('uploads a Blob with a callback-free request, and waits for it', async () => {
    const upload = await client.upload(new Blob([readFileSync(join(FIXTURES_DIR, 'coffee.png'))]));
    expect(upload).toMatchObject({ blob_id: expect.any(String), upload_method: 'PUT' });
    const blob = await client.waitFor(upload.blob_id, { timeoutMs: 60_000 });
    expect(blob).toMatchObject({ blob_id: upload.blob_id, status: 'succeeded' });
  });

  it('reports a corrupt image as a failed blob, not a throw', async () => {
    const blob = await client.label(readFileSync(join(FIXTURES_DIR, 'truncated.jpg')));
    expect(blob).toMatchObject({ status: 'failed', error: { code: 'unsupported_image_format' } });
  });

  it('gets, lists page by page, and deletes', async () => {
    const { blob_id: blobId } = await client.label(join(FIXTURES_DIR, 'horses.jpg'));
    expect(await client.get(blobId)).toMatchObject({ blob_id: blobId, status: 'succeeded' });
    const page = await client.list({ limit: 1 });
    expect(page.data.map((blob) => blob.blob_id)).toEqual([blobId]);
    expect(page.next_cursor).toEqual(expect.any(String));
    const seen: string[] = [];
    for await (const blob of client.listAll({ limit: 2 })) seen.push(blob.blob_id);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(new Set(seen).size).toBe(seen.length);

    await client.delete(blobId);
    const error = await client.get(blobId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImgrecApiError);
    expect(error).toMatchObject({ status: 404, code: 'blob_not_found' });
    // A blob this client did not just create: its 404 is final at once.
    await expect(client.waitFor(blobId)).rejects.toMatchObject({ status: 404, code: 'blob_not_found' });
  });

  it('throws the API’s code for a refused key and for a bad request', async () => {
    const stranger = createImgrecClient({ apiUrl: stack.baseUrl, apiKey: `imgrec_sk_${'z'.repeat(43)}` });
    await expect(stranger.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    await expect(
      client.upload(readFileSync(join(FIXTURES_DIR, 'dog.jpg')), { max_labels: 1000 }),
    ).rejects.toMatchObject({ status: 400, code: expect.any(String) });
  });
});
