import { eventDetailSchemas, expiresAtEpochSeconds } from '@imgrec/shared';
import { z } from 'zod';
import type { ResultsRecord } from '../../ports.js';

/**
 * How many times an adapter re-reads and retries a compare-and-set write. A few rounds are plenty: a conflict needs
 * another writer to change the same blob between one read and one write.
 */
export const MAX_WRITE_ATTEMPTS = 5;

/** Callback outcomes kept until the blob's view exists, checked when read back rather than cast. */
export const earlyCallbackOutcomesSchema = z.array(
  z.discriminatedUnion('detailType', [
    z.object({ detailType: z.literal('CallbackDelivered'), detail: eventDetailSchemas.CallbackDelivered }),
    z.object({ detailType: z.literal('CallbackFailed'), detail: eventDetailSchemas.CallbackFailed }),
  ]),
);

/** How long the adapters keep a record: the record retention, in days (fractions allowed). */
export interface RecordRetention {
  recordRetentionDays: number;
}

/**
 * When a record may be removed, in epoch seconds (the unit of DynamoDB's TTL attribute): the record retention after
 * the deletion for a tombstone, after the blob's creation otherwise. A record that holds nothing but callback outcomes
 * that overtook the blob's events is kept from the first attempt they report, or from `writtenAt` if none does.
 */
export const deleteAfterOf = (record: ResultsRecord, { recordRetentionDays }: RecordRetention, writtenAt: Date) =>
  expiresAtEpochSeconds(
    record.deletedAt ??
      record.view?.created_at ??
      record.earlyCallbackOutcomes?.find((outcome) => outcome.detail.last_attempt_at !== undefined)?.detail
        .last_attempt_at ??
      writtenAt,
    recordRetentionDays,
  );

/** `now` as a time to compare with a record's `delete_after`: a record is gone once `delete_after <= now`. */
export const epochSecondsOf = (now: Date): number => Math.floor(now.getTime() / 1000);
