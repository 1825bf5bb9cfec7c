import { describe, expect, it } from '@jest/globals';
import type { DomainEvent, EventDetail } from '../events/catalogue.js';
import { EventSchemaError, type EventPublisher } from '../events/validate.js';

/** What a bus received, whatever its envelope. */
export interface PublishedEvent {
  source: string;
  detailType: string;
  detail: unknown;
}

export interface EventPublisherHarness {
  /** A publisher for the uploads service's source, `imgrec.uploads`. */
  publisher: EventPublisher;
  /** Every event that reached the bus so far, in order. */
  published(): Promise<PublishedEvent[]>;
}

const facts = {
  blob_id: 'q1Xw3-_9ZkLmNoPqRsTuVw',
  tenant_id: 'tnt_contract',
  options: { min_confidence: 55, max_labels: 20 },
  callback_url: 'https://hooks.example.com/imgrec',
  created_at: '2026-11-27T12:00:00.000Z',
};

const blobRequested: DomainEvent = {
  detailType: 'BlobRequested',
  detail: { ...facts, content_type: 'image/jpeg', expires_at: '2026-11-27T12:10:00.000Z' },
};

const blobCreated: DomainEvent = {
  detailType: 'BlobCreated',
  detail: { ...facts, key: facts.blob_id, size: 48_213, stored_at: '2026-11-27T12:00:30.000Z' },
};

/**
 * The EventPublisher port's contract: run it against every adapter (the local bus, EventBridge) so that a service
 * publishes the same way in both modes.
 */
export const describeEventPublisherContract = (
  adapter: string,
  build: () => EventPublisherHarness | Promise<EventPublisherHarness>,
) => {
  describe(`EventPublisher contract: ${adapter}`, () => {
    it('puts every event on the bus with its source, detail-type and detail, in order', async () => {
      const { publisher, published } = await build();
      await publisher.publish(blobRequested, blobCreated);
      expect(await published()).toEqual([
        { source: 'imgrec.uploads', detailType: 'BlobRequested', detail: blobRequested.detail },
        { source: 'imgrec.uploads', detailType: 'BlobCreated', detail: blobCreated.detail },
      ]);
    });

    it('publishes none of the events when one of them breaks the catalogue', async () => {
      const { publisher, published } = await build();
      const broken = {
        detailType: 'BlobCreated',
        detail: { ...blobCreated.detail, size: -1 } as EventDetail<'BlobCreated'>,
      } as const;
      await expect(publisher.publish(blobRequested, broken)).rejects.toThrow(EventSchemaError);
      expect(await published()).toEqual([]);
    });

    it('refuses an event its service does not own', async () => {
      const { publisher, published } = await build();
      const labelsDetected: DomainEvent = {
        detailType: 'LabelsDetected',
        detail: {
          ...facts,
          labels: [],
          label_details: [],
          model: { provider: 'rekognition', name: 'DetectLabels', version: '3.0' },
          completed_at: '2026-11-27T12:00:32.000Z',
        },
      };
      await expect(publisher.publish(labelsDetected)).rejects.toThrow(EventSchemaError);
      expect(await published()).toEqual([]);
    });
  });
};
