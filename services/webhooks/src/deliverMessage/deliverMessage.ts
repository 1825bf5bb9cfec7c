import type { DomainEvent, WebhookSigner } from '@imgrec/shared';
import { decideClaim, deliveryMessageSchema, type AttemptRecord, type Delivery } from '../delivery/delivery.js';
import type { ReceivedMessage, SendResult, WebhooksDeps } from '../ports.js';
import { parseRetryAfter, retryDelaySeconds } from '../retryDelay/retryDelay.js';

/** "processed": the queue may drop the message. "retry": leave it; it comes back after the delay it was given. */
export type MessageOutcome = 'processed' | 'retry';

export type DeliverMessageDeps = Pick<
  WebhooksDeps,
  'store' | 'queue' | 'send' | 'signerFor' | 'publisher' | 'retrySchedule' | 'now' | 'random' | 'log' | 'metrics'
>;

const isSuccess = (result: SendResult): boolean =>
  result.kind === 'response' && result.statusCode >= 200 && result.statusCode < 300;

const failureOf = (result: SendResult): string => {
  if (result.kind === 'error') return result.error;
  const note = result.statusCode >= 300 && result.statusCode < 400 ? ' (redirects are not followed)' : '';
  return `HTTP ${result.statusCode}${note}${result.excerpt ? `: ${result.excerpt}` : ''}`;
};

/** How an attempt ended: 2xx delivers, 410 stops, anything else is retried until the schedule ends. */
const judge = (
  delivery: Delivery,
  result: SendResult,
  deps: Pick<WebhooksDeps, 'retrySchedule' | 'random'>,
  finishedAt: Date,
): AttemptRecord => {
  const statusCode = result.kind === 'response' ? result.statusCode : undefined;
  if (isSuccess(result) && statusCode !== undefined) return { result: 'delivered', statusCode };
  const error = failureOf(result);
  if (statusCode === 410) return { result: 'failed', statusCode, error, deadLetter: false };
  const scheduled = deps.retrySchedule[delivery.cycleAttempts - 1];
  if (scheduled === undefined) return { result: 'failed', statusCode, error, deadLetter: true };
  const retryAfter = result.kind === 'response' ? parseRetryAfter(result.retryAfter, finishedAt) : undefined;
  const delay = retryDelaySeconds(scheduled, deps.random, retryAfter);
  return {
    result: 'retry',
    statusCode,
    error,
    nextAttemptAt: new Date(finishedAt.getTime() + delay * 1000).toISOString(),
  };
};

const outcomeEvent = (delivery: Delivery): DomainEvent => {
  const facts = {
    blob_id: delivery.blobId,
    tenant_id: delivery.tenantId,
    webhook_id: delivery.webhookId,
    attempts: delivery.attempts,
  };
  if (delivery.status === 'delivered') {
    return {
      detailType: 'CallbackDelivered',
      detail: {
        ...facts,
        last_attempt_at: delivery.lastAttemptAt as string,
        last_status_code: delivery.lastStatusCode as number,
      },
    };
  }
  return {
    detailType: 'CallbackFailed',
    detail: {
      ...facts,
      ...(delivery.lastAttemptAt !== undefined && { last_attempt_at: delivery.lastAttemptAt }),
      ...(delivery.lastStatusCode !== undefined && { last_status_code: delivery.lastStatusCode }),
    },
  };
};

/**
 * The follow-up of a delivered or failed delivery, each step safe to repeat: announce the outcome once, then, for
 * a delivery whose schedule ran out, move the message to the DLQ. The move comes last because it also removes the
 * message from the queue; if the process dies before it, the message comes back and finishes the job.
 */
const finish = async (
  delivery: Delivery,
  message: ReceivedMessage,
  deps: DeliverMessageDeps,
): Promise<MessageOutcome> => {
  if (!delivery.outcomePublished) {
    await deps.publisher.publish(outcomeEvent(delivery));
    await deps.store.markOutcomePublished(delivery.blobId);
  }
  if (delivery.status === 'failed' && delivery.deadLetter) {
    await deps.queue.deadLetter(message);
    deps.metrics.count('callbacks_dead_lettered');
    deps.log.warn('callback dead-lettered', {
      blob_id: delivery.blobId,
      tenant_id: delivery.tenantId,
      webhook_id: delivery.webhookId,
    });
  }
  return 'processed';
};

const secondsUntil = (at: string, now: Date): number => Math.max(1, Math.ceil((Date.parse(at) - now.getTime()) / 1000));

const attempt = async (
  delivery: Delivery,
  message: ReceivedMessage,
  sign: WebhookSigner,
  deps: DeliverMessageDeps,
): Promise<MessageOutcome> => {
  const startedAt = new Date(delivery.lastAttemptAt as string);
  const headers = sign({ id: delivery.webhookId, timestamp: startedAt, body: delivery.payload });
  const result = await deps.send({ url: delivery.url, headers, body: delivery.payload });
  deps.metrics.count('callback_attempts');
  const finishedAt = deps.now();
  const record = judge(delivery, result, deps, finishedAt);
  const fields = {
    blob_id: delivery.blobId,
    tenant_id: delivery.tenantId,
    webhook_id: delivery.webhookId,
    attempt: delivery.attempts,
    status_code: record.statusCode,
    ms: finishedAt.getTime() - startedAt.getTime(),
  };

  // State first, then the queue: if the process dies in between, the message shows up before its time and is
  // hidden again until next_attempt_at (an "early" claim), rather than being retried with nothing recorded.
  const recorded = await deps.store.recordAttempt(delivery.blobId, delivery.attempts, record, finishedAt);
  if (!recorded) {
    deps.log.warn('delivery changed during the attempt; leaving the message for later', fields);
    return 'retry';
  }
  if (record.result === 'retry') {
    deps.log.info('callback attempt failed; will retry', {
      ...fields,
      error: record.error,
      retry_at: record.nextAttemptAt,
    });
    await deps.queue.retryLater(message.receiptHandle, secondsUntil(record.nextAttemptAt, finishedAt));
    return 'retry';
  }
  if (record.result === 'delivered') {
    deps.metrics.count('callbacks_delivered');
    deps.log.info('callback delivered', fields);
  } else {
    deps.metrics.count('callbacks_failed');
    deps.log.warn('callback failed for good', { ...fields, error: record.error, dead_letter: record.deadLetter });
  }
  return finish(recorded, message, deps);
};

/**
 * Handles one delivery queue message: at most one HTTP attempt, signed with the secrets of the delivery's tenant,
 * then either done or hidden until the next scheduled attempt (SQS-style: the visibility timeout is the retry
 * timer). Copies of the message are dropped and early arrivals are hidden again, so neither can send the message
 * twice or out of schedule; so is a message whose blob was deleted, which finds a tombstone.
 * @throws when the message body is not a delivery message, the tenant's signer cannot be resolved (no current
 *   secret, the secrets unreadable), or a store/queue/bus call fails; the message then stays in the queue and is
 *   retried after its visibility timeout.
 */
export const deliverMessage = async (message: ReceivedMessage, deps: DeliverMessageDeps): Promise<MessageOutcome> => {
  const { blob_id: blobId } = deliveryMessageSchema.parse(JSON.parse(message.body));
  const now = deps.now();
  // The signer comes before the claim, which counts an attempt: without a usable secret the message waits, its
  // schedule untouched. It is resolved only for a delivery this message may attempt, so a tenant's missing secret
  // never holds up the follow-up of a finished delivery or the drop of a copy.
  const current = await deps.store.get(blobId);
  const sign =
    current && decideClaim(current, message.messageId, now).kind === 'claimable'
      ? await deps.signerFor(current.tenantId)
      : undefined;
  const claim = await deps.store.claim(blobId, { messageId: message.messageId, now });
  switch (claim.kind) {
    case 'claimed':
      // Unsigned only if the delivery became attemptable between the read and the claim (created or redriven).
      return attempt(claim.delivery, message, sign ?? (await deps.signerFor(claim.delivery.tenantId)), deps);
    case 'finished':
      return finish(claim.delivery, message, deps);
    case 'deleted':
      // The blob was deleted: nothing is sent and nothing is announced for it.
      deps.log.info('dropping a delivery message of a deleted blob', {
        blob_id: blobId,
        tenant_id: claim.tombstone.tenantId,
        message_id: message.messageId,
      });
      return 'processed';
    case 'early':
      await deps.queue.retryLater(message.receiptHandle, secondsUntil(claim.retryAt, now));
      return 'retry';
    case 'duplicate':
      deps.log.info('dropping a copy of a delivery message', { blob_id: blobId, message_id: message.messageId });
      return 'processed';
    case 'missing':
      deps.log.warn('dropping a delivery message without a delivery', {
        blob_id: blobId,
        message_id: message.messageId,
      });
      return 'processed';
  }
};
