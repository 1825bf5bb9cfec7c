import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  FIXTURES_DIR,
  REPO_ROOT,
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

interface LabelDetail {
  name: string;
  confidence: number;
  parents: string[];
  instances: { confidence: number; bounding_box: Record<string, number> }[];
}

const post = (target: ApiTarget, body: string, headers: Record<string, string> = {}) =>
  fetch(`${target.baseUrl}/blobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorizationOf(target), ...headers },
    body,
  });

const errorOf = async (response: Response) => ({
  status: response.status,
  code: ((await response.json()) as { error: { code: string } }).error.code,
});

describe('the local stack, end to end over HTTP', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  describe('labels real photos with the default threshold', () => {
    it.each([
      ['dog.jpg', ['dog', 'bicycle']],
      ['horses.jpg', ['horse']],
      ['astronaut.png', ['person']],
      ['coffee.png', ['cup']],
    ])('%s shows %j', async (fixture, expected) => {
      const blobId = await uploadImage(stack, fixture);
      const blob = await waitForBlob(stack, blobId);
      expect(blob.status).toBe('succeeded');
      expect(blob.labels).toEqual(expect.arrayContaining(expected));
      expect(blob.options).toEqual({ min_confidence: 30, max_labels: 20, features: ['labels'] });
      expect(blob.model).toMatchObject({ provider: 'local' });
      const details = blob.label_details as LabelDetail[];
      for (const detail of details) {
        expect(detail.name).toBe(detail.name.toLowerCase());
        expect(detail.confidence).toBeGreaterThanOrEqual(30);
        for (const { bounding_box: box } of detail.instances) {
          for (const side of ['left', 'top', 'width', 'height']) {
            expect(box[side]).toBeGreaterThanOrEqual(0);
            expect(box[side]).toBeLessThanOrEqual(1);
          }
        }
      }
      expect(blob.completed_at).toEqual(expect.any(String));
      expect(blob).not.toHaveProperty('error');
      expect(blob).not.toHaveProperty('callback');
    });

    it('lists parent labels after the detected ones, once each', async () => {
      const blob = await waitForBlob(stack, await uploadImage(stack, 'dog.jpg'));
      const labels = blob.labels as string[];
      expect(new Set(labels).size).toBe(labels.length);
      expect(labels).toEqual(expect.arrayContaining(['animal', 'vehicle']));
    });

    it('applies the requested threshold and label budget', async () => {
      const blobId = await uploadImage(stack, 'dog.jpg', { min_confidence: 10, max_labels: 1 });
      const blob = await waitForBlob(stack, blobId);
      expect(blob.options).toEqual({ min_confidence: 10, max_labels: 1, features: ['labels'] });
      expect(blob.label_details).toHaveLength(1);
    });
  });

  describe('lifecycle', () => {
    it('is awaiting_upload as soon as POST returns, and points at itself', async () => {
      const created = await createBlob(stack);
      expect(created.blob_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(created.status_url).toBe(`${stack.baseUrl}/blobs/${created.blob_id}`);
      const blob = await getBlob(stack, created.blob_id);
      expect(blob).toMatchObject({ blob_id: created.blob_id, status: 'awaiting_upload' });
    });

    it('reads the format from the bytes, not the declared type', async () => {
      const created = await createBlob(stack, { content_type: 'image/png' });
      await putBytes(created, readFileSync(join(FIXTURES_DIR, 'horses.jpg')));
      expect((await waitForBlob(stack, created.blob_id)).status).toBe('succeeded');
    });
  });

  describe('images that cannot be labelled end failed with a stable code', () => {
    const failWith = async (bytes: Uint8Array, contentType = 'image/jpeg'): Promise<BlobBody> => {
      const created = await createBlob(stack, { content_type: contentType });
      const response = await putBytes(created, bytes);
      expect(response.status).toBe(200);
      const blob = await waitForBlob(stack, created.blob_id);
      expect(blob.status).toBe('failed');
      expect(blob).not.toHaveProperty('labels');
      return blob;
    };

    it('a truncated JPEG', async () => {
      const blob = await failWith(readFileSync(join(FIXTURES_DIR, 'truncated.jpg')));
      expect(blob.error).toMatchObject({ code: 'unsupported_image_format', retryable: false });
    });

    it('bytes that are not an image', async () => {
      const blob = await failWith(Buffer.from('%PDF-1.7 definitely not a photo '.repeat(20)));
      expect(blob.error).toMatchObject({ code: 'unsupported_image_format' });
    });

    it('an empty upload', async () => {
      expect((await failWith(new Uint8Array())).error).toMatchObject({ code: 'empty_image' });
    });

    it('an image under 80 px on a side', async () => {
      const tiny = await sharp({ create: { width: 60, height: 200, channels: 3, background: '#888' } })
        .png()
        .toBuffer();
      expect((await failWith(tiny, 'image/png')).error).toMatchObject({ code: 'image_dimensions_out_of_range' });
    });
  });

  describe('bad requests get a clear error and change nothing', () => {
    it.each([
      ['{"content_type":', 400, 'malformed_json'],
      ['[1,2]', 400, 'invalid_body'],
      ['"text"', 400, 'invalid_body'],
      ['{"colour":"red"}', 400, 'unknown_field'],
      ['{"content_type":"image/gif"}', 400, 'invalid_content_type'],
      ['{"min_confidence":"high"}', 400, 'invalid_min_confidence'],
      ['{"min_confidence":101}', 400, 'invalid_min_confidence'],
      ['{"max_labels":0}', 400, 'invalid_max_labels'],
      ['{"max_labels":1.5}', 400, 'invalid_max_labels'],
      ['{"callback_url":"not a url"}', 400, 'invalid_callback_url'],
      ['{"callback_url":"ftp://example.com/hook"}', 400, 'invalid_callback_url'],
      ['{"callback_url":"http://example.com/hook"}', 400, 'invalid_callback_url'],
      ['{"callback_url":"https://169.254.169.254/latest"}', 400, 'invalid_callback_url'],
      ['{"callback_url":"https://10.0.0.8/hook"}', 400, 'invalid_callback_url'],
    ])('POST %s → %i %s', async (body, status, code) => {
      expect(await errorOf(await post(stack, body))).toEqual({ status, code });
    });

    it('refuses a form-encoded body with 415', async () => {
      expect(await errorOf(await post(stack, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }))).toEqual({
        status: 415,
        code: 'unsupported_media_type',
      });
    });

    it('answers unknown blobs, routes and methods', async () => {
      const unknownBlob = await fetch(`${stack.baseUrl}/blobs/AAAAAAAAAAAAAAAAAAAAAA`, {
        headers: authorizationOf(stack),
      });
      expect(await errorOf(unknownBlob)).toEqual({
        status: 404,
        code: 'blob_not_found',
      });
      expect(await errorOf(await fetch(`${stack.baseUrl}/nothing-here`))).toEqual({
        status: 404,
        code: 'route_not_found',
      });
      const wrongMethod = await fetch(`${stack.baseUrl}/blobs`, { method: 'PUT' });
      expect(wrongMethod.headers.get('allow')).toBe('POST, GET');
      expect(await errorOf(wrongMethod)).toEqual({ status: 405, code: 'method_not_allowed' });
    });

    it('never shows a stack trace', async () => {
      const body = await (await post(stack, '{"content_type":')).text();
      expect(body).not.toMatch(/at .*\.ts:\d+/);
    });
  });

  describe('uploads', () => {
    it('refuses a tampered URL with 403', async () => {
      const created = await createBlob(stack);
      const tampered = { ...created, upload_url: created.upload_url.replace(/expires=\d+/, 'expires=9999999999') };
      expect(await errorOf(await putBytes(tampered, readFileSync(join(FIXTURES_DIR, 'dog.jpg'))))).toEqual({
        status: 403,
        code: 'invalid_signature',
      });
      expect((await getBlob(stack, created.blob_id)).status).toBe('awaiting_upload');
    });

    it('refuses a body over 15 MB with 413 and keeps the blob uploadable', async () => {
      const created = await createBlob(stack);
      const response = await putBytes(created, new Uint8Array(15 * 1024 * 1024 + 1));
      expect(await errorOf(response)).toEqual({ status: 413, code: 'image_too_large' });
      expect((await putBytes(created, readFileSync(join(FIXTURES_DIR, 'dog.jpg')))).status).toBe(200);
    });

    it('refuses a second upload to the same blob with 409', async () => {
      const created = await createBlob(stack);
      const photo = readFileSync(join(FIXTURES_DIR, 'horses.jpg'));
      expect((await putBytes(created, photo)).status).toBe(200);
      expect(await errorOf(await putBytes(created, photo))).toEqual({ status: 409, code: 'already_uploaded' });
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the same blob for the same request, and 409 for a different one', async () => {
      const key = `key-${Date.now()}`;
      const first = await post(stack, '{"max_labels":5}', { 'idempotency-key': key });
      const again = await post(stack, '{ "max_labels": 5 }', { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(((await again.json()) as { blob_id: string }).blob_id).toBe(
        ((await first.json()) as { blob_id: string }).blob_id,
      );
      expect(await errorOf(await post(stack, '{"max_labels":6}', { 'idempotency-key': key }))).toEqual({
        status: 409,
        code: 'idempotency_key_reused',
      });
    });
  });

  it('runs the README walkthrough verbatim, only pointed at this stack', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const walkthrough = /## Walkthrough[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const scratch = mkdtempSync(join(tmpdir(), 'imgrec-readme-'));
    const script = walkthrough
      .replaceAll('http://localhost:3000', stack.baseUrl)
      .replaceAll('/tmp/blob.json', join(scratch, 'blob.json'))
      .replaceAll('/tmp/result.json', join(scratch, 'result.json'))
      .replaceAll('.imgrec/dev-api-key', join(stack.dataDir, 'dev-api-key'));
    const output = execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(output).toContain('"status":"succeeded"');
    expect(output).toContain('"bicycle"');
  });

  describe('observability', () => {
    it('follows a blob through every service: each log line about it carries its blob_id and tenant_id', async () => {
      const blobId = await uploadImage(stack, 'coffee.png');
      await waitForBlob(stack, blobId);
      await new Promise((wait) => setTimeout(wait, 200));
      const aboutBlob = stack.logs().filter((line) => line.blob_id === blobId);
      expect([...new Set(aboutBlob.map((line) => line.service))]).toEqual(
        expect.arrayContaining(['uploads', 'recognition', 'local']),
      );
      for (const line of aboutBlob)
        expect({ line: line.message, tenant: line.tenant_id }).toEqual({ line: line.message, tenant: 'dev' });
    });

    it('never lets two requests handled at once log each other’s blob', async () => {
      const created = await Promise.all(Array.from({ length: 8 }, () => createBlob(stack)));
      const ids = new Set(created.map((blob) => blob.blob_id));
      await new Promise((wait) => setTimeout(wait, 200));
      const blobsByRequest = new Map<unknown, Set<unknown>>();
      const withRequest = stack.logs().filter((each) => ids.has(each.blob_id as string) && each.function_request_id);
      for (const line of withRequest) {
        const seen = blobsByRequest.get(line.function_request_id) ?? new Set();
        seen.add(line.blob_id);
        blobsByRequest.set(line.function_request_id, seen);
      }
      expect(blobsByRequest.size).toBeGreaterThanOrEqual(8);
      for (const blobs of blobsByRequest.values()) expect(blobs.size).toBe(1);
    });

    it('serves the counters at GET /metrics, without a key, in Prometheus text', async () => {
      const response = await fetch(`${stack.baseUrl}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      const valueOf = (series: string) => Number(new RegExp(`^${series} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      expect(valueOf('imgrec_blobs_created_total\\{service="uploads"\\}')).toBeGreaterThanOrEqual(8);
      expect(valueOf('imgrec_labels_detected_total\\{service="recognition"\\}')).toBeGreaterThanOrEqual(5);
      expect(
        valueOf('imgrec_recognition_failures_total\\{service="recognition",code="unsupported_image_format"\\}'),
      ).toBeGreaterThanOrEqual(2);
    });
  });

  it('is still healthy after all of the above', async () => {
    expect((await fetch(`${stack.baseUrl}/health`)).status).toBe(200);
  });
});

describe('crash safety', () => {
  it('loses nothing when killed with SIGKILL mid-work, and resumes at the next start', async () => {
    const first = await startStack();
    const done = await uploadImage(first, 'horses.jpg');
    await waitForBlob(first, done);
    const inFlight = await Promise.all(
      ['dog.jpg', 'coffee.png', 'astronaut.png', 'horses.jpg'].map((fixture) => uploadImage(first, fixture)),
    );
    const awaiting = (await createBlob(first)).blob_id;
    await first.kill();

    const second = await startStack({ dataDir: first.dataDir });
    try {
      expect(second.logs()).toContainEqual(expect.objectContaining({ message: 'resuming work left by the last run' }));
      expect((await getBlob(second, done)).status).toBe('succeeded');
      expect((await getBlob(second, awaiting)).status).toBe('awaiting_upload');
      for (const blobId of inFlight) {
        expect((await waitForBlob(second, blobId)).status).toBe('succeeded');
      }
    } finally {
      await second.stop();
    }
  }, 180_000);

  it('stops within 5 s on SIGTERM', async () => {
    const stack = await startStack();
    await uploadImage(stack, 'dog.jpg');
    expect(await stack.stop()).toBeLessThan(5000);
  }, 120_000);
});
