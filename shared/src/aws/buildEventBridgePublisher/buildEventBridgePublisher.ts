import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { UnavailableError } from '../../errors/index.js';
import { EVENT_SOURCES, type DomainEvent } from '../../events/catalogue.js';
import { EventSchemaError, validateDomainEvent, type EventPublisher } from '../../events/validate.js';

/** PutEvents limits: at most 10 entries, and 256 KB of entries, per request. */
const MAX_ENTRIES_PER_REQUEST = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

/** Entries EventBridge still refused after every retry. A 503: the caller's retry (or its queue's) may succeed. */
export class EventPublishError extends UnavailableError {
  /** The EventBridge error code of each entry that was refused, e.g. `ThrottlingException`. */
  readonly failedEntryCodes: string[];

  constructor(failedEntryCodes: string[]) {
    super('event_publish_failed', 'The event bus did not take every event. Try again.');
    this.name = 'EventPublishError';
    this.failedEntryCodes = failedEntryCodes;
  }
}

export interface EventBridgePublisherConfig {
  eventBusName: string;
  /** The publishing service's source, `imgrec.<service>`; it may only publish the events it owns. */
  source: string;
  /** PutEvents calls per batch before refused entries make publish throw. Default 3. */
  maxAttempts?: number;
  /** The wait before retry `retry` (1, 2…) of refused entries. Default: 100 ms doubling, with full jitter. */
  retryDelayMs?: (retry: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultRetryDelayMs = (retry: number) => Math.random() * 100 * 2 ** (retry - 1);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An entry's size as EventBridge counts it against the request limit (no Time or Resources are sent). */
const entrySize = (entry: PutEventsRequestEntry): number =>
  [entry.Source, entry.DetailType, entry.Detail].reduce((size, field) => size + Buffer.byteLength(field ?? ''), 0);

const batchesOf = (entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] => {
  const batches: PutEventsRequestEntry[][] = [];
  let batch: PutEventsRequestEntry[] = [];
  let batchBytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (batch.length === MAX_ENTRIES_PER_REQUEST || batchBytes + size > MAX_REQUEST_BYTES) {
      batches.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(entry);
    batchBytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
};

/**
 * The EventPublisher port on an EventBridge bus. Every event is checked against the catalogue before anything is
 * sent, so an invalid event publishes none of its siblings. Events go out in PutEvents batches within the API's
 * limits; PutEvents can accept a request yet refuse some entries (FailedEntryCount), and only those entries are
 * sent again, after a backoff.
 * @throws EventSchemaError for an event that breaks the catalogue, is not the source's to publish, or exceeds
 *   256 KB; EventPublishError when entries are still refused after `maxAttempts` calls.
 */
export const buildEventBridgePublisher = (
  client: EventBridgeClient,
  config: EventBridgePublisherConfig,
): EventPublisher => {
  const maxAttempts = config.maxAttempts ?? 3;
  const retryDelayMs = config.retryDelayMs ?? defaultRetryDelayMs;
  const sleep = config.sleep ?? defaultSleep;

  const toEntry = (event: DomainEvent): PutEventsRequestEntry => {
    if (EVENT_SOURCES[event.detailType] !== config.source) {
      throw new EventSchemaError(`${config.source} cannot publish ${event.detailType}`);
    }
    const { detailType, detail } = validateDomainEvent(event);
    const entry = {
      EventBusName: config.eventBusName,
      Source: config.source,
      DetailType: detailType,
      Detail: JSON.stringify(detail),
    };
    if (entrySize(entry) > MAX_REQUEST_BYTES) {
      throw new EventSchemaError(`${detailType} for blob ${detail.blob_id} is larger than EventBridge's 256 KB`);
    }
    return entry;
  };

  const putBatch = async (batch: PutEventsRequestEntry[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 1; ; attempt += 1) {
      const response = await client.send(new PutEventsCommand({ Entries: pending }));
      if (!response.FailedEntryCount) return;
      // Result entries are in request order; a refused one carries an ErrorCode instead of an EventId.
      const refused = pending.flatMap((entry, index) => {
        const code = response.Entries?.[index]?.ErrorCode;
        return code === undefined ? [] : [{ entry, code }];
      });
      // A count without a refused entry to resend is a response we cannot act on; report it rather than loop.
      if (refused.length === 0) throw new EventPublishError(['UnidentifiedFailedEntries']);
      if (attempt >= maxAttempts) throw new EventPublishError(refused.map(({ code }) => code));
      pending = refused.map(({ entry }) => entry);
      await sleep(retryDelayMs(attempt));
    }
  };

  return {
    publish: async (...events) => {
      const entries = events.map(toEntry);
      for (const batch of batchesOf(entries)) await putBatch(batch);
    },
  };
};
