import { readPositiveNumber } from '../readEnv/readEnv.js';

const DAY_MS = 86_400_000;

/** How long a blob's image and its records are kept (see docs/ARCHITECTURE.md, "Lifecycle"). */
export interface Retention {
  /** Days an uploaded image is kept: the bucket's lifecycle rule on AWS, the sweep locally. Default 30. */
  imageRetentionDays: number;
  /** Days a blob's records (and a deleted blob's tombstone) are kept: DynamoDB TTL on AWS, the sweep locally. Default 90. */
  recordRetentionDays: number;
}

/**
 * Reads IMGREC_IMAGE_RETENTION_DAYS and IMGREC_RECORD_RETENTION_DAYS. Fractions of a day are allowed, so tests can
 * watch a retention pass in seconds.
 * @throws ConfigError for a value that is not a number greater than 0.
 */
export const retentionFromEnv = (env: NodeJS.ProcessEnv = process.env): Retention => ({
  imageRetentionDays: readPositiveNumber('IMGREC_IMAGE_RETENTION_DAYS', 30, env),
  recordRetentionDays: readPositiveNumber('IMGREC_RECORD_RETENTION_DAYS', 90, env),
});

/** The moment before which something `days` old at `now` has expired. */
export const retentionDeadline = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

/**
 * When DynamoDB's TTL may delete a record made at `madeAt` and kept `days`: epoch seconds, the unit of TTL attributes.
 * DynamoDB deletes expired items within a few days, so readers do not rely on it to hide them.
 */
export const expiresAtEpochSeconds = (madeAt: Date | string, days: number): number =>
  Math.ceil((new Date(madeAt).getTime() + days * DAY_MS) / 1000);
