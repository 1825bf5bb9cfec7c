import { createLogger } from '@imgrec/shared';

/**
 * The results service's logger: every line carries the Lambda context, and `tenant_id`/`blob_id` once known. The
 * service counts nothing (see COUNTERS in @imgrec/shared), so it has no metrics to flush: a flush of none would only
 * warn.
 */
export const logger = createLogger('results');
