import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { RuntimeMode } from '../../config/mode/mode.js';
import { createLogger } from '../../logging/logger.js';
import type { Metrics } from '../metrics.js';

const EMPTY_FLUSH_WARNING = 'No application metrics to publish';

/**
 * A service's Powertools Metrics, namespace `imgrec`. An invocation that counted nothing (a batch whose images all
 * failed, whose counts carry a dimension and go out on their own) is normal here, so Powertools' warning about an
 * empty flush is dropped; its other warnings go to the console as usual.
 */
export const createServiceMetrics = (serviceName: string): PowertoolsMetrics => {
  const log = createLogger(serviceName, { level: 'warn' });
  return new PowertoolsMetrics({
    namespace: 'imgrec',
    serviceName,
    logger: {
      debug: (message: string) => log.debug(message),
      info: (message: string) => log.info(message),
      error: (message: string) => log.error(message),
      warn: (message: string) => {
        if (!message.startsWith(EMPTY_FLUSH_WARNING)) log.warn(message);
      },
    },
  });
};

/**
 * The Metrics port on Powertools Metrics (aws mode): CloudWatch embedded metric format, written to the function's
 * log and published by CloudWatch. A count without dimensions is stored and flushed once per invocation by
 * {@link publishMetrics}; a count with dimensions goes out at once as a single metric, since EMF applies one set of
 * dimensions to everything flushed together.
 */
export const buildEmfMetrics = (metrics: PowertoolsMetrics): Metrics => ({
  count: (name, dimensions) => {
    if (dimensions === undefined) {
      metrics.addMetric(name, MetricUnit.Count, 1);
      return;
    }
    const single = metrics.singleMetric();
    single.addDimensions(dimensions);
    single.addMetric(name, MetricUnit.Count, 1);
  },
});

/**
 * Powertools' own middleware that flushes a function's stored metrics after each invocation, in aws mode only: local
 * mode counts into Prometheus counters, and an empty flush would only warn.
 */
export const publishMetrics = (
  metrics: PowertoolsMetrics,
  mode: RuntimeMode,
): MiddlewareObj<unknown, unknown, Error>[] => (mode === 'aws' ? [logMetrics(metrics)] : []);
