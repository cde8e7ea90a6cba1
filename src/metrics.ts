// Prometheus metrics (prom-client), one registry per app instance so tests can run several side by side.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { loadStatistics, type StatisticsSource } from './supervision/routes.js';
import type { Figures, Statistics } from './supervision/statistics.js';

export interface Metrics {
  registry: Registry;
  inbound: Counter<'kind' | 'outcome'>;
  outboxJobs: Counter<'kind' | 'outcome'>;
  webhooks: Counter<'outcome'>;
  /** 409s from the back office that name another submission under our number (APPLICATION_ID_PREFIX clash). */
  backofficeConflicts: Counter;
  handleSeconds: Histogram<'kind'>;
}

export interface MetricsOptions {
  /** Where the supervision gauges (GET /api/statistics, default range, by matter) are computed from at each scrape. */
  statistics?: StatisticsSource;
}

/** Creates the registry with default process metrics and Yiciban's own counters. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'yiciban_' });
  if (options.statistics) supervisionGauges(registry, options.statistics);
  return {
    registry,
    inbound: new Counter({
      name: 'yiciban_inbound_events_total',
      help: 'Inbound events by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    outboxJobs: new Counter({
      name: 'yiciban_outbox_jobs_total',
      help: 'Outbox job attempts by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    webhooks: new Counter({
      name: 'yiciban_backoffice_webhooks_total',
      help: 'Back-office webhook requests by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    backofficeConflicts: new Counter({
      name: 'yiciban_backoffice_conflicts_total',
      help: 'Submissions the back office refused with 409 because it holds another application under the same number',
      registers: [registry],
    }),
    handleSeconds: new Histogram({
      name: 'yiciban_handle_seconds',
      help: 'Time from receiving an event to its durable commit',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

// The figures of GET /api/statistics (last 30 days, per matter, `matter="all"` for the total) as gauges named
// yiciban_supervision_<figure>. The registry collects all metrics of a scrape at once: they share one computation.
const GAUGE_FIGURES: [keyof Figures, string][] = [
  ['received', 'Applications received in the last 30 days'],
  ['accepted', 'Of those, accepted'],
  ['completed', 'Of those, decided after acceptance (办结)'],
  ['onTimeRate', 'Share of the completed ones decided by the deadline (pauses for 补正 added)'],
  ['averageWorkingDays', 'Average working days from acceptance to decision, 补正 left out'],
  ['visitsPerApplication', 'Average trips in person per application'],
  ['zeroVisitShare', 'Share of applications with no trip in person (零上门)'],
  ['atMostOneVisitShare', 'Share of applications with at most one trip (最多跑一次)'],
  ['satisfactionRate', '(非常满意 + 满意) / all ratings'],
  ['openWarnings', 'Running applications at yellow or red now'],
  ['openRectifications', '差评整改 cases without a reported fix'],
  ['openComplaints', 'Complaints not answered yet'],
];

function supervisionGauges(registry: Registry, source: StatisticsSource): void {
  let running: Promise<Statistics> | undefined;
  const shared = (): Promise<Statistics> => {
    running ??= loadStatistics(source).finally(() => (running = undefined));
    return running;
  };
  for (const [figure, help] of GAUGE_FIGURES) {
    const gauge: Gauge<'matter'> = new Gauge({
      name: `yiciban_supervision_${snake(figure)}`,
      help,
      labelNames: ['matter'],
      registers: [registry],
      async collect() {
        const statistics = await shared();
        gauge.reset();
        gauge.set({ matter: 'all' }, statistics.total[figure]);
        for (const group of statistics.groups) gauge.set({ matter: group.id }, group[figure]);
      },
    });
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
