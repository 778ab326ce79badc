import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProjectionLag } from '../projections/types.js';
import { processMetrics } from './process-metrics.js';

/** What is only known by asking (the log, the read models) and so is read when Prometheus scrapes. */
export interface ScrapedSources {
  readonly projectionLag: () => Promise<readonly ProjectionLag[]>;
  /** Mail waiting to be sent (pending or mid-send). */
  readonly outboxDepth: () => Promise<number>;
  /** The projection that feeds the search index; its lag is the index's lag. */
  readonly searchProjection: string;
}

/** Seconds: from a fast cached read to a slow import. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every metric a system exposes on /metrics besides Node's own (processMetrics), in a registry of
 * its own: tests open many systems in one process, and a shared registry would mix their numbers.
 * Label values are always drawn from small fixed sets (route templates, stream categories,
 * projection names), never from raw paths or ids.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  readonly httpRequestsInFlight = new Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being served now.', registers: [this.registry] });
  readonly eventsAppended = new Counter({ name: 'itsm_events_appended_total', help: 'Events appended to the log, by stream category.', labelNames: ['category'] as const, registers: [this.registry] });
  readonly appendConflicts = new Counter({
    name: 'itsm_append_conflicts_total',
    help: 'Appends refused because the stream moved on (wrong expected revision), by stream category.',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });
  readonly projectionBatchDuration = new Histogram({
    name: 'itsm_projection_batch_duration_seconds',
    help: 'Time to apply one batch of events and commit its checkpoint, by projection.',
    labelNames: ['projection'] as const,
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  readonly timersFired = new Counter({ name: 'itsm_scheduler_timers_fired_total', help: 'Due timers the scheduler acted on, by kind.', labelNames: ['kind'] as const, registers: [this.registry] });
  readonly slaBreaches = new Counter({ name: 'itsm_sla_breaches_total', help: 'SLA breaches recorded on tickets, by clock.', labelNames: ['clock'] as const, registers: [this.registry] });
  private readonly projectionLagEvents: Gauge<'projection'> = new Gauge({
    name: 'itsm_projection_lag_events',
    help: 'Events still to apply, by projection (counted up to a cap).',
    labelNames: ['projection'] as const,
    registers: [this.registry],
    collect: () => this.fromLag((lag) => lag.forEach((entry) => this.projectionLagEvents.set({ projection: entry.name }, entry.eventsBehind)), this.projectionLagEvents),
  });
  private readonly projectionLagSeconds: Gauge<'projection'> = new Gauge({
    name: 'itsm_projection_lag_seconds',
    help: 'Age of the oldest event not yet applied, by projection; 0 when caught up.',
    labelNames: ['projection'] as const,
    registers: [this.registry],
    collect: () => this.fromLag((lag) => lag.forEach((entry) => this.projectionLagSeconds.set({ projection: entry.name }, entry.secondsBehind)), this.projectionLagSeconds),
  });
  private readonly searchIndexingLag: Gauge = new Gauge({
    name: 'itsm_search_indexing_lag_seconds',
    help: 'Age of the oldest change not yet in the search index; 0 when caught up.',
    registers: [this.registry],
    collect: () => this.fromLag((lag) => this.searchIndexingLag.set(lag.find((entry) => entry.name === this.sources?.searchProjection)?.secondsBehind ?? 0), this.searchIndexingLag),
  });
  private readonly outboxDepth: Gauge = new Gauge({
    name: 'itsm_outbox_depth',
    help: 'Mail in the outbox still to be sent (pending or being sent).',
    registers: [this.registry],
    collect: async () => {
      if (!this.sources) return;
      try {
        this.outboxDepth.set(await this.sources.outboxDepth());
      } catch {
        this.outboxDepth.reset();
      }
    },
  });
  private sources: ScrapedSources | null = null;
  /** One read of the lag serves three gauges: prom-client collects them concurrently in one scrape. */
  private lagRead: Promise<readonly ProjectionLag[]> | null = null;

  /** Names where the scraped gauges read from; until then they stay empty. */
  watch(sources: ScrapedSources): void {
    this.sources = sources;
  }

  /** The exposition text (this system's metrics, then the process's) and its media type. */
  async scrape(): Promise<{ readonly contentType: string; readonly text: string }> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return { contentType: this.registry.contentType, text: `${own}\n${process}` };
  }

  /** A store or database that does not answer empties the gauge rather than failing the scrape (or showing stale numbers). */
  private async fromLag(use: (lag: readonly ProjectionLag[]) => void, gauge: Gauge<string>): Promise<void> {
    const sources = this.sources;
    if (!sources) return;
    this.lagRead ??= sources.projectionLag().finally(() => setImmediate(() => (this.lagRead = null)));
    try {
      const lag = await this.lagRead;
      gauge.reset();
      use(lag);
    } catch {
      gauge.reset();
    }
  }
}
