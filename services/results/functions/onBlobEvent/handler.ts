import middy from '@middy/core';
import { parseBusEvent, type BusEvent } from '@imgrec/shared';
import { reduceResultsRecord } from '../../src/reduceResultsRecord/reduceResultsRecord.js';
import { resultsRuntime, type ResultsRuntime } from '../../src/runtime.js';

/**
 * EventBridge target for every event that shapes a blob's view. The event is validated against the catalogue, then
 * applied with a conditional write, so duplicates, stale events and concurrent deliveries never move state back.
 * A schema error throws: the invocation fails and, after its retries, the event lands in the DLQ for inspection.
 */
export const buildHandler = (deps: () => ResultsRuntime | Promise<ResultsRuntime>) =>
  middy<BusEvent>().handler(async (busEvent) => {
    const event = parseBusEvent(busEvent);
    const { repository, now } = await deps();
    // One timestamp per delivery: a write retried after a conflict records the same updated_at.
    const at = now();
    await repository.apply(event.detail.blob_id, (current) => reduceResultsRecord(current, event, at));
  });

export const handler = buildHandler(resultsRuntime);
