// Stream registration (§1.1): `POST /v1.0/gateway/connections/open` and its single-use 90-second tickets.
import { apiError, asRecord, ok, type Route } from './http.js';
import { randomUUID } from './ids.js';
import type { SimConfig } from './sim-config.js';

/** One subscription from the open call: EVENT "*" or a CALLBACK topic. */
export interface Subscription {
  type: string;
  topic: string;
}

interface Ticket {
  subscriptions: Subscription[];
  expiresAt: number;
}

/** Tickets handed out by the gateway; each opens exactly one WebSocket before it expires. */
export class TicketBook {
  private readonly tickets = new Map<string, Ticket>();
  opens = 0;

  constructor(private readonly config: SimConfig) {}

  issue(subscriptions: Subscription[]): string {
    const ticket = randomUUID();
    this.tickets.set(ticket, { subscriptions, expiresAt: this.config.now() + this.config.ticketTtlMs });
    return ticket;
  }

  /** Consumes the ticket; undefined when unknown, used or expired. */
  redeem(ticket: string): Subscription[] | undefined {
    const found = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (!found || found.expiresAt <= this.config.now()) return undefined;
    return found.subscriptions;
  }
}

/** The gateway route; `endpoint()` is the ws:// URL of this simulator's /connect. */
export function gatewayRoutes(config: SimConfig, tickets: TicketBook, endpoint: () => string): Record<string, Route> {
  return {
    'POST /v1.0/gateway/connections/open': {
      auth: 'none',
      handle: (req) => {
        tickets.opens += 1;
        if (!(req.headers['content-type'] ?? '').includes('json')) {
          // Undocumented; a plausible answer to a non-JSON body.
          return apiError(400, 'invalidParameter', '请求体必须是 JSON（Content-Type: application/json）');
        }
        const body = asRecord(req.body);
        if (body.clientId !== config.clientId || body.clientSecret !== config.clientSecret) {
          return apiError(401, 'authFailed', '鉴权失败');
        }
        const subscriptions = parseSubscriptions(body.subscriptions);
        if (!subscriptions) return apiError(400, 'invalidParameter', 'subscriptions 格式不正确');
        const ticket = tickets.issue(subscriptions);
        config.log(`gateway: ticket issued for ${subscriptions.length} subscription(s)`);
        const answer = { endpoint: endpoint(), ticket };
        // The Node SDK notes that without `Accept: application/json` the gateway answers XML.
        if (!(req.headers.accept ?? '').includes('json')) {
          const xml = `<?xml version="1.0" encoding="UTF-8"?><OpenConnectionResponse><endpoint>${answer.endpoint}</endpoint><ticket>${ticket}</ticket></OpenConnectionResponse>`;
          return { status: 200, body: xml, raw: xml, contentType: 'application/xml;charset=utf-8' };
        }
        return ok(answer);
      },
    },
  };
}

function parseSubscriptions(value: unknown): Subscription[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const list: Subscription[] = [];
  for (const item of value) {
    const { type, topic } = asRecord(item);
    if (typeof type !== 'string' || typeof topic !== 'string') return undefined;
    list.push({ type, topic });
  }
  return list;
}
