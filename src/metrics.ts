// Prometheus metrics (prom-client), one registry per app instance so tests can run several side by side.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  inbound: Counter<'kind' | 'outcome'>;
  outboxJobs: Counter<'kind' | 'outcome'>;
  webhooks: Counter<'outcome'>;
  /** 409s from the back office that name another submission under our number (APPLICATION_ID_PREFIX clash). */
  backofficeConflicts: Counter;
  handleSeconds: Histogram<'kind'>;
}

/** Creates the registry with default process metrics and Yiciban's own counters. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'yiciban_' });
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
