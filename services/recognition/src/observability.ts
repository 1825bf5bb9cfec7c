import { createLogger, createServiceMetrics } from '@imgrec/shared';

/** The recognition service's logger: handlers inject the Lambda context into it, and the runtime hands it on. */
export const logger = createLogger('recognition');

/** Powertools Metrics for the aws mode's counts (CloudWatch EMF), flushed after each invocation. */
export const emf = createServiceMetrics('recognition');
