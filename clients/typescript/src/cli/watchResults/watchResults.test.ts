import { afterEach, describe, expect, it } from '@jest/globals';
import { startFakeApi } from '../../../test/fakeApi.js';
import { createResultWatcher } from './watchResults.js';

const blob = (blobId: string, status: string) => ({
  blob_id: blobId,
  status,
  options: { min_confidence: 30, max_labels: 20, features: ['labels'] },
  created_at: '2026-11-28T20:00:00.000Z',
  updated_at: '2026-11-28T20:00:00.000Z',
});
const idOf = (path: string) => path.split('/').pop() ?? '';

describe('createResultWatcher', () => {
  let api: Awaited<ReturnType<typeof startFakeApi>> | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('resolves each blob when it is final, polling mostly the oldest ones', async () => {
    // b1 and b2 finish at once; the rest on their third look each.
    const looks = new Map<string, number>();
    api = await startFakeApi((request) => {
      const id = idOf(request.path);
      looks.set(id, (looks.get(id) ?? 0) + 1);
      const done = id === 'b1' || id === 'b2' || (looks.get(id) ?? 0) >= 3;
      return { status: 200, body: blob(id, done ? 'succeeded' : 'processing') };
    });
    const watcher = createResultWatcher(api.client, { tickMs: 10, maxPollMs: 60_000 });
    const ids = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8'];
    const results = await Promise.all(ids.map((id) => watcher.watch(id, Date.now())));
    expect(results.map((result) => [result.blob_id, result.status])).toEqual(ids.map((id) => [id, 'succeeded']));
    // Each tick looks at the oldest blobs up to the first unfinished one; the others wait their turn.
    expect(looks.get('b8')).toBe(3);
  });

  it('waits through the 404 window after POST, and rejects a 404 past it', async () => {
    let gets = 0;
    api = await startFakeApi((request) => {
      gets += 1;
      if (idOf(request.path) === 'old')
        return { status: 404, body: { error: { code: 'blob_not_found', message: 'No.' } } };
      return gets < 3
        ? { status: 404, body: { error: { code: 'blob_not_found', message: 'No.' } } }
        : { status: 200, body: blob('new', 'failed') };
    });
    const watcher = createResultWatcher(api.client, { tickMs: 10 });
    await expect(watcher.watch('new', Date.now())).resolves.toMatchObject({ status: 'failed' });
    await expect(watcher.watch('old', Date.now() - 11_000)).rejects.toMatchObject({ code: 'blob_not_found' });
  });

  it('pauses for Retry-After when throttled', async () => {
    api = await startFakeApi((_request, index) =>
      index === 0
        ? { status: 503, body: { error: { code: 'unavailable', message: 'Busy.' } }, headers: { 'retry-after': '1' } }
        : { status: 200, body: blob('b1', 'succeeded') },
    );
    const watcher = createResultWatcher(api.client, { tickMs: 10 });
    await expect(watcher.watch('b1', Date.now())).resolves.toMatchObject({ status: 'succeeded' });
    expect((api.seen[1]?.at ?? 0) - (api.seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('rejects what it waits for when its signal aborts', async () => {
    api = await startFakeApi(() => ({ status: 200, body: blob('b1', 'processing') }));
    const controller = new AbortController();
    const watcher = createResultWatcher(api.client, { tickMs: 10, signal: controller.signal });
    const waiting = watcher.watch('b1', Date.now());
    setTimeout(() => controller.abort(new Error('stopped')), 50);
    await expect(waiting).rejects.toThrow('stopped');
  });
});
