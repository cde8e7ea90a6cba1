// POST /webhooks/backoffice: the back office's signed status events. The raw bytes are read here (with a
// limit) because the signature covers them exactly; nothing is parsed before the signature checks out.
import type { Context, Middleware } from 'koa';
import { systemClock, type Clock } from '../clock.js';
import { parseJson, readRaw } from '../http/body.js';
import { parseBackofficeEvent, type BackofficeEvent } from './protocol.js';
import { SIGNATURE_WINDOW_MS, verify } from './signature.js';

/** What the app did with a verified event; decides the HTTP answer. */
export type WebhookOutcome =
  | { status: 'applied' | 'duplicate' }
  | { status: 'unknown_application' }
  | { status: 'illegal'; message: string }
  /** The event is well-formed but unusable for this application (answered 400). */
  | { status: 'invalid'; message: string };

export interface BackofficeWebhookOptions {
  /** BACKOFFICE_SECRET. */
  secret: string;
  /** The time signed timestamps are checked against; defaults to real time. */
  clock?: Pick<Clock, 'now'>;
  maxBytes?: number;
  windowMs?: number;
  /** Dedupe by eventId, run the state machine, commit; called only for a verified, valid event. */
  apply: (event: BackofficeEvent) => Promise<WebhookOutcome>;
}

const SIGNATURE_MESSAGES: Record<string, string> = {
  missing_timestamp: 'missing X-Yiciban-Timestamp header',
  bad_timestamp: 'X-Yiciban-Timestamp must be unix milliseconds',
  stale_timestamp: 'X-Yiciban-Timestamp is more than 5 minutes old; sign each delivery afresh',
  future_timestamp: 'X-Yiciban-Timestamp is more than 5 minutes ahead; check the sender clock',
  missing_signature: 'missing X-Yiciban-Signature header',
  malformed_signature: 'X-Yiciban-Signature must be sha256=<64 hex digits>',
  signature_mismatch: 'signature does not match the body; sign timestamp + "." + raw body with the shared secret',
};

/** The koa middleware for the back-office webhook (DESIGN.md answers: 200, 400, 401, 404, 409, and 413). */
export function backofficeWebhook(options: BackofficeWebhookOptions): Middleware {
  const time = options.clock ?? systemClock;
  const clock = () => time.now();
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const windowMs = options.windowMs ?? SIGNATURE_WINDOW_MS;

  return async (ctx) => {
    const raw = await readRaw(ctx.req, maxBytes);
    if (raw.status === 'too_large') {
      // The rest of the body is never read, so this connection cannot carry another request.
      ctx.set('Connection', 'close');
      return reject(ctx, 413, 'payload_too_large', `body exceeds ${maxBytes} bytes`);
    }
    const check = verify(options.secret, ctx.req.headers, raw.body, clock(), windowMs);
    if (check.status === 'invalid') return reject(ctx, 401, check.reason, SIGNATURE_MESSAGES[check.reason] ?? check.reason);

    const json = parseJson(raw.body.toString('utf8'));
    if (json.status === 'invalid') return reject(ctx, 400, 'invalid_json', `body is not valid JSON: ${json.message}`);
    const parsed = parseBackofficeEvent(json.value);
    if (parsed.status === 'invalid') return reject(ctx, 400, 'invalid_event', parsed.message);

    const outcome = await options.apply(parsed.event);
    switch (outcome.status) {
      case 'applied':
      case 'duplicate':
        ctx.status = 200;
        ctx.body = { ok: true };
        return;
      case 'unknown_application':
        return reject(ctx, 404, 'unknown_application', `未找到办件 ${parsed.event.applicationId}（no application with this id）`);
      case 'illegal':
        return reject(ctx, 409, 'illegal_transition', outcome.message);
      case 'invalid':
        return reject(ctx, 400, 'invalid_event', outcome.message);
    }
  };
}

function reject(ctx: Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.body = { error: { code, message } };
}
