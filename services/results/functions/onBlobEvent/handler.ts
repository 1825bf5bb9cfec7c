import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseBusEvent, type BusEvent } from '@imgrec/shared';
import { logger } from '../../src/observability.js';
import type { ResultsDeps } from '../../src/ports.js';
import { reduceResultsRecord } from '../../src/reduceResultsRecord/reduceResultsRecord.js';
import { resultsRuntime } from '../../src/runtime.js';

export type OnBlobEventDeps = Pick<ResultsDeps, 'repository' | 'now'>;

/**
 * EventBridge target for every event that shapes a blob's view, and for its deletion, which leaves a tombstone that
 * every later event is dropped against. The event is validated against the catalogue, then applied with a conditional
 * write, so duplicates, stale events and concurrent deliveries never move state back.
 * A schema error throws: the invocation fails and, after its retries, the event lands in the DLQ for inspection.
 * Each delivery logs one line with the event's blob, tenant and type, and the blob's status afterwards.
 */
export const buildHandler = (deps: () => OnBlobEventDeps | Promise<OnBlobEventDeps>) =>
  middy<BusEvent>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (busEvent) => {
      const event = parseBusEvent(busEvent);
      logger.appendKeys({ blob_id: event.detail.blob_id, tenant_id: event.detail.tenant_id });
      const { repository, now } = await deps();
      // One timestamp per delivery: a write retried after a conflict records the same updated_at.
      const at = now().toISOString();
      const record = await repository.apply(event.detail.blob_id, (current) => reduceResultsRecord(current, event, at));
      logger.info('event applied', { detail_type: event.detailType, status: record?.view?.status });
    });

export const handler = buildHandler(resultsRuntime);
