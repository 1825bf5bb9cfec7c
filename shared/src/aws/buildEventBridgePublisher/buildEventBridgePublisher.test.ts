import { describe, expect, it } from '@jest/globals';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { DomainEvent } from '../../events/catalogue.js';
import { EventSchemaError } from '../../events/validate.js';
import { createLogger } from '../../logging/logger.js';
import { LocalBus } from '../../local/bus/LocalBus/LocalBus.js';
import { LocalQueues } from '../../local/queues/LocalQueues.js';
import { openDatabase } from '../../local/sqlite/openDatabase.js';
import { describeEventPublisherContract } from '../eventPublisherContract.js';
import { buildEventBridgePublisher, EventPublishError } from './buildEventBridgePublisher.js';

const BUS = 'imgrec-dev';

/** A real client whose calls go to a mock instead of AWS. */
const mockedEventBridge = () => {
  const client = new EventBridgeClient({ region: 'eu-west-1' });
  return { client, eventBridge: mockClient(client) };
};

/** An EventBridge mock that accepts every entry and records what it was sent, request by request. */
const acceptingEventBridge = () => {
  const { client, eventBridge } = mockedEventBridge();
  eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, index) => ({ EventId: `evt-${index}` })),
  }));
  const requests = () => eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
  return { client, eventBridge, requests };
};

describeEventPublisherContract('local bus', () => {
  const queues = new LocalQueues(openDatabase(':memory:'));
  const bus = new LocalBus(
    queues,
    [{ name: 'everything', pattern: { source: [{ prefix: 'imgrec.' }] }, queue: 'everything' }],
    createLogger('test', { level: 'error' }),
  );
  return {
    publisher: bus.publisherFor('imgrec.uploads'),
    published: async () =>
      queues.peek('everything').map(({ body }) => {
        const envelope = JSON.parse(body) as { source: string; 'detail-type': string; detail: unknown };
        return { source: envelope.source, detailType: envelope['detail-type'], detail: envelope.detail };
      }),
  };
});

describeEventPublisherContract('EventBridge', () => {
  const { client, requests } = acceptingEventBridge();
  return {
    publisher: buildEventBridgePublisher(client, {
      eventBusName: BUS,
      source: 'imgrec.uploads',
    }),
    published: async () =>
      requests()
        .flat()
        .map((entry) => ({
          source: entry.Source ?? '',
          detailType: entry.DetailType ?? '',
          detail: JSON.parse(entry.Detail ?? ''),
        })),
  };
});

const blobRequested = (index: number, padding = ''): DomainEvent => ({
  detailType: 'BlobRequested',
  detail: {
    blob_id: `blob-${index}`,
    tenant_id: 'tnt_publisher',
    content_type: 'image/jpeg',
    options: { min_confidence: 55, max_labels: 20 },
    callback_url: `https://hooks.example.com/${padding}`,
    created_at: '2026-11-27T12:00:00.000Z',
    expires_at: '2026-11-27T12:10:00.000Z',
  },
});

const noWait = async () => undefined;

describe('buildEventBridgePublisher', () => {
  it('sends every entry to the configured bus', async () => {
    const { client, requests } = acceptingEventBridge();
    const publisher = buildEventBridgePublisher(client, {
      eventBusName: BUS,
      source: 'imgrec.uploads',
    });
    await publisher.publish(blobRequested(1));
    expect(requests()).toEqual([
      [{ EventBusName: BUS, Source: 'imgrec.uploads', DetailType: 'BlobRequested', Detail: expect.any(String) }],
    ]);
    expect(JSON.parse(requests()[0]?.[0]?.Detail ?? '')).toEqual(blobRequested(1).detail);
  });

  it('splits events into requests of at most 10 entries', async () => {
    const { client, requests } = acceptingEventBridge();
    const publisher = buildEventBridgePublisher(client, {
      eventBusName: BUS,
      source: 'imgrec.uploads',
    });
    await publisher.publish(...Array.from({ length: 23 }, (_, index) => blobRequested(index)));
    expect(requests().map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(
      requests()
        .flat()
        .map((entry) => JSON.parse(entry.Detail ?? '').blob_id),
    ).toEqual(Array.from({ length: 23 }, (_, index) => `blob-${index}`));
  });

  it('splits events into requests of at most 256 KB', async () => {
    const { client, requests } = acceptingEventBridge();
    const publisher = buildEventBridgePublisher(client, {
      eventBusName: BUS,
      source: 'imgrec.uploads',
    });
    // callback_url is not length-checked by the event schema, so it can make each entry about 100 KB.
    await publisher.publish(...[1, 2, 3].map((index) => blobRequested(index, 'x'.repeat(100_000))));
    expect(requests().map((entries) => entries.length)).toEqual([2, 1]);
  });

  it('refuses an event larger than EventBridge takes, before sending anything', async () => {
    const { client, requests } = acceptingEventBridge();
    const publisher = buildEventBridgePublisher(client, {
      eventBusName: BUS,
      source: 'imgrec.uploads',
    });
    await expect(publisher.publish(blobRequested(1), blobRequested(2, 'x'.repeat(300_000)))).rejects.toThrow(
      EventSchemaError,
    );
    expect(requests()).toEqual([]);
  });

  it('resends only the entries EventBridge refused, after a backoff', async () => {
    const { client, eventBridge } = mockedEventBridge();
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'evt-1' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          { EventId: 'evt-3' },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-2' }] });
    const waits: number[] = [];
    const publisher = buildEventBridgePublisher(client, {
      eventBusName: BUS,
      source: 'imgrec.uploads',
      retryDelayMs: (retry) => retry * 100,
      sleep: async (ms) => void waits.push(ms),
    });

    await publisher.publish(blobRequested(1), blobRequested(2), blobRequested(3));

    const sent = eventBridge
      .commandCalls(PutEventsCommand)
      .map((call) => (call.args[0].input.Entries ?? []).map((entry) => JSON.parse(entry.Detail ?? '').blob_id));
    expect(sent).toEqual([['blob-1', 'blob-2', 'blob-3'], ['blob-2']]);
    expect(waits).toEqual([100]);
  });

  it('throws with the refusal codes when entries are still refused after the last attempt', async () => {
    const { client, eventBridge } = mockedEventBridge();
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal error' }],
    });
    const publisher = buildEventBridgePublisher(client, {
      eventBusName: BUS,
      source: 'imgrec.uploads',
      maxAttempts: 3,
      sleep: noWait,
    });

    const failure = publisher.publish(blobRequested(1));

    await expect(failure).rejects.toThrow(EventPublishError);
    await expect(failure).rejects.toMatchObject({
      code: 'event_publish_failed',
      failedEntryCodes: ['InternalFailure'],
    });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('lets a failed PutEvents call itself propagate (the SDK has already retried it)', async () => {
    const { client, eventBridge } = mockedEventBridge();
    eventBridge.on(PutEventsCommand).rejects(new Error('socket hang up'));
    const publisher = buildEventBridgePublisher(client, {
      eventBusName: BUS,
      source: 'imgrec.uploads',
      sleep: noWait,
    });
    await expect(publisher.publish(blobRequested(1))).rejects.toThrow('socket hang up');
  });
});
