import { createLogger } from '@imgrec/shared';

/**
 * The accounts service's logger: its functions' middleware adds the Lambda context to every line. The service counts
 * nothing (see COUNTERS in @imgrec/shared), so it has no metrics to flush: a flush of none would only warn.
 */
export const logger = createLogger('accounts');
