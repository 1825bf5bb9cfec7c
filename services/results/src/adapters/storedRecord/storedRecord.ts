import { eventDetailSchemas } from '@imgrec/shared';
import { z } from 'zod';

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
