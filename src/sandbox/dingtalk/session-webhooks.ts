// sessionWebhook reply URLs (§3.1): minted per robot message, valid until sessionWebhookExpiredTime.
import { randomBytes } from 'node:crypto';
import type { Route, SimResponse } from './http.js';
import { webhookContent } from './msg-catalogue.js';
import type { Recorder } from './recorder.js';
import type { SimConfig } from './sim-config.js';

interface Session {
  conversationId: string;
  conversationType: '1' | '2';
  userId: string;
  expiresAt: number;
}

/** Handed-out sessions by id. */
export class SessionBook {
  private readonly sessions = new Map<string, Session>();
  /** The book is pruned when it holds this many; doubling it over what a prune left keeps minting O(1) on average
   * while the sessions are still valid (a bench pushes tens of thousands within their 90 minutes). */
  private pruneAtSize: number;

  constructor(private readonly config: SimConfig) {
    this.pruneAtSize = config.recordLimit;
  }

  /** A fresh session for one incoming message; `expiresAt` = createAt + TTL (90 min in every DingTalk sample). */
  mint(session: Omit<Session, 'expiresAt'>, createAt: number, baseUrl: string): { url: string; expiresAt: number } {
    if (this.sessions.size >= this.pruneAtSize) {
      this.prune();
      this.pruneAtSize = Math.max(this.config.recordLimit, 2 * this.sessions.size);
    }
    const id = randomBytes(16).toString('hex');
    const expiresAt = createAt + this.config.sessionWebhookTtlMs;
    this.sessions.set(id, { ...session, expiresAt });
    return { url: `${baseUrl}/robot/sendBySession?session=${id}`, expiresAt };
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** Forgets sessions that expired a day ago or more (long sandbox runs). */
  private prune(): void {
    const cutoff = this.config.now() - 24 * 3600_000;
    for (const [id, session] of this.sessions) if (session.expiresAt < cutoff) this.sessions.delete(id);
  }

  expireAll(): void {
    const past = this.config.now() - 1;
    for (const session of this.sessions.values()) session.expiresAt = past;
  }
}

// Robot webhooks answer `{errcode, errmsg}` without the request_id of the oapi endpoints.
const webhookError = (errcode: number, errmsg: string): SimResponse => ({ status: 200, body: { errcode, errmsg } });

/** `POST /robot/sendBySession?session=…` — the error bodies are guesses: DingTalk does not document them. */
export function sessionRoutes(config: SimConfig, sessions: SessionBook, recorder: Recorder): Record<string, Route> {
  return {
    'POST /robot/sendBySession': {
      auth: 'none',
      handle: (req) => {
        const session = sessions.get(req.query.session ?? '');
        // Guess: 300001 is what the custom-robot webhook answers for an unknown token.
        if (!session) return webhookError(300001, 'session webhook not found');
        if (session.expiresAt <= config.now()) return webhookError(300001, 'session webhook expired');
        if (!(req.headers['content-type'] ?? '').includes('json')) return webhookError(43004, '无效的HTTP HEADER Content-Type');
        const message = webhookContent(req.body);
        if (!message) return webhookError(40035, '缺少参数 json 或消息格式不正确');
        recorder.output({
          at: config.now(),
          via: 'sessionWebhook',
          conversationId: session.conversationId,
          userIds: session.conversationType === '1' ? [session.userId] : undefined,
          msgtype: message.msgtype,
          content: message.content,
        });
        return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
      },
    },
  };
}
