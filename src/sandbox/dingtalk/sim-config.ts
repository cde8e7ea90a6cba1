// SimOptions with every default filled in.
import { systemClock, type Clock } from '../../clock.js';
import { stableUuid } from './ids.js';
import { loadSandboxOrg, type SandboxOrg } from './org.js';
import type { SimOptions } from './types.js';

export interface SimConfig {
  port: number;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  /** Unified app id sent in every frame's `appId` header (a UUID, unlike the clientId). */
  appId: string;
  corpId: string;
  cardTemplateIds: Set<string>;
  qps: number;
  redeliverAfterMs: number;
  maxRedeliveries: number;
  pingIntervalMs: number;
  ticketTtlMs: number;
  sessionWebhookTtlMs: number;
  cardCallbackTimeoutMs: number;
  tokenTtlSec: number;
  cardValueMaxBytes: number;
  recordLimit: number;
  org: SandboxOrg;
  clock: Clock;
  /** `clock.now`, for the many places that only stamp times. */
  now: () => number;
  log: (line: string) => void;
}

/** Fills in the documented defaults (see SimOptions in the task brief). */
export function resolveSimConfig(options: SimOptions = {}): SimConfig {
  const clock = options.clock ?? systemClock;
  const clientId = options.clientId ?? 'sandbox-client-id';
  const org = options.org ?? loadSandboxOrg();
  return {
    port: options.port ?? 0,
    clientId,
    clientSecret: options.clientSecret ?? 'sandbox-client-secret',
    robotCode: options.robotCode ?? clientId,
    appId: stableUuid(`app:${clientId}`),
    corpId: options.corpId ?? org.corpId ?? 'dingsandboxcorp',
    cardTemplateIds: new Set(options.cardTemplateIds ?? ['yiciban-generic.schema']),
    qps: options.qps ?? 20,
    redeliverAfterMs: options.redeliverAfterMs ?? 60_000,
    maxRedeliveries: options.maxRedeliveries ?? 3,
    pingIntervalMs: options.pingIntervalMs ?? 20_000,
    ticketTtlMs: options.ticketTtlMs ?? 90_000,
    sessionWebhookTtlMs: options.sessionWebhookTtlMs ?? 90 * 60_000,
    cardCallbackTimeoutMs: options.cardCallbackTimeoutMs ?? 2_000,
    tokenTtlSec: options.tokenTtlSec ?? 7200,
    cardValueMaxBytes: options.cardValueMaxBytes ?? 1024,
    recordLimit: options.recordLimit ?? 50_000,
    org,
    clock,
    now: () => clock.now(),
    log: options.log ?? (() => {}),
  };
}
