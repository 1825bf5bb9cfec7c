import { Counter, Registry } from 'prom-client';
import { COUNTERS, type CounterName, type Metrics } from '../../metrics/metrics.js';

/** Label names every counter may carry: the service, and the dimensions a count names (the error code). */
const LABELS = ['service', 'code'] as const;

/**
 * The Metrics port of local mode: prom-client counters in one registry for the process, served as Prometheus text by
 * `GET /metrics`. Counters start at zero with each process, as Prometheus expects; a scraper keeps the history.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly counters: Record<CounterName, Counter<(typeof LABELS)[number]>>;

  constructor() {
    this.counters = Object.fromEntries(
      Object.entries(COUNTERS).map(([name, help]) => [
        name,
        new Counter({ name: `imgrec_${name}_total`, help, labelNames: [...LABELS], registers: [this.registry] }),
      ]),
    ) as Record<CounterName, Counter<(typeof LABELS)[number]>>;
  }

  /** The port for one service: its counts carry `service="<name>"`. */
  forService(service: string): Metrics {
    return {
      count: (name, dimensions) => this.counters[name].inc({ service, ...dimensions }),
    };
  }

  /** The exposition: `# HELP`, `# TYPE` and one line per counter and label set. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
