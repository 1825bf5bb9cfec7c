import { createLogger, createServiceMetrics } from '@imgrec/shared';

/** The uploads service's logger: every line carries the Lambda context, and `tenant_id`/`blob_id` once known. */
export const logger = createLogger('uploads');

/** The uploads service's CloudWatch metrics (aws mode), flushed after each invocation by publishMetrics. */
export const emf = createServiceMetrics('uploads');
