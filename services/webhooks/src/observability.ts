import { createLogger, createServiceMetrics } from '@imgrec/shared';

/** The webhooks service's logger: handlers inject the Lambda context into it, and the runtimes hand it on. */
export const logger = createLogger('webhooks');

/** Powertools Metrics for the aws mode's counts (CloudWatch EMF), flushed after each invocation. */
export const emf = createServiceMetrics('webhooks');
