import { describe, expect, it } from '@jest/globals';
import { buildLogger } from '../../../logging/logger.js';
import { EventSchemaError } from '../../../events/validate.js';
import { LocalQueues } from '../../queues/LocalQueues.js';
import { openDatabase } from '../../sqlite/openDatabase.js';
import { LocalBus } from './LocalBus.js';

const blobRequested = {
  detailType: 'BlobRequested' as const,
  detail: {
    blob_id: 'b1',
    tenant_id: 'tnt_bus',
    content_type: 'image/jpeg' as const,
    options: { min_confidence: 30, max_labels: 20 },
    created_at: '2026-11-27T12:00:00.000Z',
    expires_at: '2026-11-27T12:10:00.000Z',
  },
};

const bus = () => {
  const queues = new LocalQueues(openDatabase(':memory:'));
  const lines: string[] = [];
  const localBus = new LocalBus(
    queues,
    [
      { name: 'results', pattern: { source: ['imgrec.uploads'] }, queue: 'results' },
      { name: 'webhooks', pattern: { detail: { callback_url: [{ exists: true }] } }, queue: 'webhooks' },
    ],
    buildLogger({}, { write: (line) => lines.push(line) }),
  );
  return { queues, localBus, lines };
};

describe('LocalBus', () => {
  it('puts an EventBridge envelope on the queue of every matching rule', async () => {
    const { queues, localBus } = bus();
    await localBus.publisherFor('imgrec.uploads').publish(blobRequested);
    const [message] = queues.peek('results');
    expect(JSON.parse(message?.body ?? '')).toMatchObject({
      version: '0',
      source: 'imgrec.uploads',
      'detail-type': 'BlobRequested',
      detail: { blob_id: 'b1' },
    });
    expect(queues.peek('webhooks')).toEqual([]);
  });

  it('logs one line per event', async () => {
    const { localBus, lines } = bus();
    await localBus.publisherFor('imgrec.uploads').publish(blobRequested, blobRequested);
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { message: 'event published', detail_type: 'BlobRequested', blob_id: 'b1' },
      { message: 'event published', detail_type: 'BlobRequested', blob_id: 'b1' },
    ]);
  });

  it('refuses an event that breaks its schema, or from a service that does not own it, and queues nothing', async () => {
    const { queues, localBus } = bus();
    const broken = { ...blobRequested, detail: { ...blobRequested.detail, created_at: 'yesterday' } };
    await expect(localBus.publisherFor('imgrec.uploads').publish(broken)).rejects.toThrow(EventSchemaError);
    await expect(localBus.publisherFor('imgrec.results').publish(blobRequested)).rejects.toThrow(EventSchemaError);
    expect(queues.peek('results')).toEqual([]);
  });

  it('hands the queued message ids to listeners for immediate delivery', async () => {
    const { localBus } = bus();
    const seen: string[][] = [];
    localBus.onPublished(async (ids) => void seen.push(ids));
    await localBus.publisherFor('imgrec.uploads').publish(blobRequested);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toHaveLength(1);
  });
});
