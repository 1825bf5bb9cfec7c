import { randomUUID } from 'node:crypto';
import { EVENT_SOURCES, type BusEvent, type DomainEvent } from '../../../events/catalogue.js';
import { EventSchemaError, validateDomainEvent, type EventPublisher } from '../../../events/validate.js';
import type { Logger } from '../../../logging/logger.js';
import type { LocalQueues } from '../../queues/LocalQueues.js';
import { matchesPattern, type EventPattern } from '../matchesPattern.js';

/** A rule: events matching `pattern` are put on `queue` (a function's own delivery queue, or an SQS queue). */
export interface BusRoute {
  name: string;
  pattern: EventPattern;
  queue: string;
}

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';

/**
 * The in-process EventBridge bus. Publishing validates each event, wraps it in the EventBridge envelope and puts a
 * copy on the queue of every matching rule, all in one SQLite transaction: the queues are the outbox, so an event
 * is either durably on its way to every target or not published at all. Consumers read the queues at least once.
 */
export class LocalBus {
  private readonly published = new Set<(messageIds: string[]) => Promise<void>>();

  constructor(
    private readonly queues: LocalQueues,
    private readonly routes: readonly BusRoute[],
    private readonly log: Logger,
  ) {}

  /** Called after each publish with the ids of the queued copies, so the runtime can deliver them at once. */
  onPublished(listener: (messageIds: string[]) => Promise<void>): void {
    this.published.add(listener);
  }

  async publish(source: string, events: readonly DomainEvent[]): Promise<void> {
    const envelopes = events.map((event) => {
      if (EVENT_SOURCES[event.detailType] !== source) {
        throw new EventSchemaError(`${source} cannot publish ${event.detailType}`);
      }
      const { detailType, detail } = validateDomainEvent(event);
      const envelope: BusEvent = {
        version: '0',
        id: randomUUID(),
        source,
        account: LOCAL_ACCOUNT,
        time: new Date().toISOString(),
        region: LOCAL_REGION,
        resources: [],
        'detail-type': detailType,
        detail,
      } as BusEvent;
      return envelope;
    });
    const messages = envelopes.flatMap((envelope) => {
      const body = JSON.stringify(envelope);
      return this.routes
        .filter((route) => matchesPattern(route.pattern, envelope as unknown as Record<string, unknown>))
        .map((route) => ({ queue: route.queue, body }));
    });
    const messageIds = this.queues.sendToMany(messages);
    for (const envelope of envelopes) {
      this.log.info('event published', {
        event_id: envelope.id,
        source: envelope.source,
        detail_type: envelope['detail-type'],
        blob_id: envelope.detail.blob_id,
        tenant_id: envelope.detail.tenant_id,
        targets: messages.length,
      });
    }
    await Promise.all([...this.published].map((listener) => listener(messageIds)));
  }

  /** The publisher port for one service: it may only publish the events it owns. */
  publisherFor(source: string): EventPublisher {
    return { publish: (...events) => this.publish(source, events) };
  }
}
