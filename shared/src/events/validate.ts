import { ImgrecError } from '../errors/index.js';
import { EVENT_SOURCES, eventDetailSchemas, type BusEvent, type DetailType, type DomainEvent } from './catalogue.js';

/** An event that does not match the catalogue: a bug in a producer, never the client's fault. */
export class EventSchemaError extends ImgrecError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_event', message, options);
    this.name = 'EventSchemaError';
  }
}

const isDetailType = (value: unknown): value is DetailType =>
  typeof value === 'string' && Object.hasOwn(eventDetailSchemas, value);

/**
 * Checks a domain event against the catalogue before it is published.
 * @throws EventSchemaError when the detail does not match its schema.
 */
export const validateDomainEvent = (event: DomainEvent): DomainEvent => {
  const parsed = eventDetailSchemas[event.detailType].safeParse(event.detail);
  if (!parsed.success) {
    throw new EventSchemaError(`${event.detailType} does not match its schema: ${parsed.error.message}`, {
      cause: parsed.error,
    });
  }
  return { detailType: event.detailType, detail: parsed.data } as DomainEvent;
};

/**
 * Checks an event received from the bus: known type, the right source, and a detail that matches its schema.
 * @throws EventSchemaError otherwise.
 */
export const parseBusEvent = (event: Pick<BusEvent, 'source' | 'detail-type' | 'detail'>): DomainEvent => {
  const detailType = event['detail-type'];
  if (!isDetailType(detailType)) throw new EventSchemaError(`unknown detail-type ${String(detailType)}`);
  if (event.source !== EVENT_SOURCES[detailType]) {
    throw new EventSchemaError(`${detailType} from unexpected source ${String(event.source)}`);
  }
  return validateDomainEvent({ detailType, detail: event.detail } as DomainEvent);
};

/** The port every service publishes through; adapters validate with validateDomainEvent and deliver at least once. */
export interface EventPublisher {
  publish(...events: DomainEvent[]): Promise<void>;
}
