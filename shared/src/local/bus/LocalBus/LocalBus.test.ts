import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../../logging/logger.js';
import { captureLogs, type CapturedLogs } from '../../../testing/captureLogs.js';
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
  const localBus = new LocalBus(
    queues,
    [
      { name: 'results', pattern: { source: ['imgrec.uploads'] }, queue: 'results' },
      { name: 'webhooks', pattern: { detail: { callback_url: [{ exists: true }] } }, queue: 'webhooks' },
    ],
    createLogger('local', { level: 'info' }),
  );
  return { queues, localBus };
};

describe('LocalBus', () => {
  let logs: CapturedLogs;

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(() => logs.restore());

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
    const { localBus } = bus();
    await localBus.publisherFor('imgrec.uploads').publish(blobRequested, blobRequested);
    expect(logs.lines).toMatchObject([
      { message: 'event published', detail_type: 'BlobRequested', blob_id: 'b1', tenant_id: 'tnt_bus' },
      { message: 'event published', detail_type: 'BlobRequested', blob_id: 'b1', tenant_id: 'tnt_bus' },
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
