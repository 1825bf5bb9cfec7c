import { MAX_RETRY_DELAY_SECONDS } from '../config.js';

/** Retries are jittered, by up to 10 % of the scheduled delay. */
const JITTER = 0.1;

/**
 * Reads a Retry-After header: delay-seconds or an HTTP date (RFC 9110 §10.2.3). Returns whole seconds from `now`
 * (0 for a date in the past), or undefined when the header is absent or unreadable.
 */
export const parseRetryAfter = (value: string | undefined, now: Date): number | undefined => {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // HTTP dates start with the day name; without this check Date.parse would read "-5" as a year.
  const at = /^[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
};

/**
 * The delay before the next attempt: the scheduled delay plus up to 10 % jitter (only ever later, so a delivery
 * is never retried before the documented time), capped at SQS's 12-hour visibility limit. A Retry-After shorter
 * than that is honoured; a longer one is capped at it, so a receiver cannot stretch the schedule.
 */
export const retryDelaySeconds = (scheduled: number, random: () => number, retryAfter?: number): number => {
  const jittered = Math.min(MAX_RETRY_DELAY_SECONDS, Math.round(scheduled * (1 + JITTER * random())));
  return retryAfter === undefined ? jittered : Math.min(retryAfter, jittered);
};
