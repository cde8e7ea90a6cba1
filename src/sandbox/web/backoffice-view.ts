// The back-office panel's model: the simulated back office's cases since the last reset, what each can do
// next, and the bot's answer to the last status event sent about it. Emits 'change' whenever a case moved.
import { EventEmitter } from 'node:events';
import type { BackofficeSimulator, SimCase, WebhookDelivery } from '../backoffice/simulator.js';
import type { CaseStatus } from '../backoffice/case-book.js';
import { HttpError } from '../../http/errors.js';

export type PanelAction = 'accept' | 'not_accept' | 'supplement' | 'approve' | 'reject' | 'complete' | 'deliver' | 'deliver_waive';

/** One case as the panel shows it. */
export interface CaseView {
  applicationId: string;
  matter: { id: string; name: string };
  applicant: { userId: string; name: string };
  status: CaseStatus;
  statusText: string;
  completed: boolean;
  departments: { id: string; name: string; status: string; statusText: string; actions: PanelAction[] }[];
  actions: PanelAction[];
  missing: { name: string; reason: string }[];
  receivedAt: number;
  updatedAt: number;
  /** The bot's answer to the last event about this case (HTTP status and its error message, if any). */
  lastEvent?: { status: string; httpStatus: number; message?: string };
}

/** A decision from the panel. */
export interface PanelDecision {
  applicationId: string;
  action: PanelAction;
  department?: string;
  comment?: string;
  missing?: string[];
}

const STATUS_TEXT: Record<CaseStatus, string> = {
  received: '待受理',
  accepted: '已受理',
  not_accepted: '不予受理',
  supplement_required: '待补正',
  in_review: '审查中',
  approved: '审批通过',
  rejected: '不予许可',
  delivered: '已送达',
  withdrawn: '已撤回',
};
const DEPARTMENT_TEXT: Record<string, string> = { pending: '待审', approved: '已同意', rejected: '已驳回' };

const SOURCE_EVENTS = ['submission', 'withdrawal', 'supplement', 'webhook'];

/** Watches the back-office simulator for the panel. */
export class BackofficeView {
  readonly events = new EventEmitter();
  #since = 0;
  readonly #last = new Map<string, CaseView['lastEvent']>();
  readonly #completed = new Set<string>();
  readonly #onWebhook = (delivery: WebhookDelivery) => this.#record(delivery);
  readonly #onAny = () => this.events.emit('change');

  constructor(
    private readonly sim: BackofficeSimulator,
    private readonly departmentNames: Record<string, string>,
    private readonly now: () => number = Date.now,
  ) {
    this.events.setMaxListeners(0);
    sim.events.on('webhook', this.#onWebhook);
    for (const name of SOURCE_EVENTS) sim.events.on(name, this.#onAny);
  }

  /** Cases received since the last reset, newest first. */
  cases(): CaseView[] {
    return this.sim
      .cases()
      .filter((c) => c.receivedAt >= this.#since)
      .map((c) => this.#view(c));
  }

  /** Sends the decision as a signed webhook to the bot; a refusal by the bot becomes an HttpError. */
  async decide(decision: PanelDecision): Promise<CaseView> {
    const record = this.sim.cases().find((c) => c.applicationId === decision.applicationId && c.receivedAt >= this.#since);
    if (!record) throw new HttpError(404, 'unknown_application', `模拟后台没有编号为 ${decision.applicationId} 的办件`);
    const view = this.#view(record);
    const allowed = decision.department ? (view.departments.find((d) => d.id === decision.department)?.actions ?? []) : view.actions;
    if (!allowed.includes(decision.action)) {
      throw new HttpError(409, 'action_not_allowed', `办件当前状态为「${view.statusText}」，不能执行该操作`);
    }
    const delivery = await this.#send(decision).catch((error: unknown) => {
      throw new HttpError(502, 'webhook_failed', `决定已记录，但没能通知机器人：${(error as Error).message}`);
    });
    if (delivery.status >= 400) {
      const message = (delivery.body as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${delivery.status}`;
      throw new HttpError(409, 'bot_refused', `机器人拒绝了该状态（${delivery.status}）：${message}`);
    }
    const updated = this.sim.cases().find((c) => c.applicationId === decision.applicationId);
    return this.#view(updated ?? record);
  }

  /** Forgets everything before now (the sandbox was reset). */
  reset(): void {
    this.#since = this.now();
    this.#last.clear();
    this.#completed.clear();
    this.events.emit('change');
  }

  close(): void {
    this.sim.events.off('webhook', this.#onWebhook);
    for (const name of SOURCE_EVENTS) this.sim.events.off(name, this.#onAny);
    this.events.removeAllListeners();
  }

  #send(d: PanelDecision): Promise<WebhookDelivery> {
    const id = d.applicationId;
    const comment = d.comment?.trim() || undefined;
    switch (d.action) {
      case 'accept':
        return this.sim.accept(id, comment);
      case 'not_accept':
        return this.sim.notAccept(id, comment ?? '材料不符合受理条件');
      case 'approve':
        return this.sim.decide(id, d.department!, 'approved', comment);
      case 'reject':
        return this.sim.decide(id, d.department!, 'rejected', comment);
      case 'supplement': {
        const missing = (d.missing ?? []).map((name) => ({ name, reason: comment ?? '请补充提交' }));
        return this.sim.requireSupplement(id, missing, d.department);
      }
      case 'complete':
        return this.sim.complete(id, comment);
      case 'deliver':
        return this.sim.deliver(id);
      case 'deliver_waive':
        return this.sim.deliver(id, undefined, true);
    }
  }

  #record(delivery: WebhookDelivery): void {
    const { event } = delivery;
    const message = delivery.status >= 400 ? (delivery.body as { error?: { message?: string } } | undefined)?.error?.message : undefined;
    this.#last.set(event.applicationId, { status: event.status, httpStatus: delivery.status, ...(message ? { message } : {}) });
    if (event.status === 'completed' && delivery.status < 400) this.#completed.add(event.applicationId);
  }

  #view(c: SimCase): CaseView {
    const open = c.status === 'accepted' || c.status === 'in_review';
    const completed = this.#completed.has(c.applicationId);
    const actions: PanelAction[] =
      c.status === 'received'
        ? ['accept', 'not_accept', 'supplement']
        : open
          ? ['supplement']
          : c.status === 'approved'
            ? completed
              ? ['deliver', 'deliver_waive']
              : ['complete', 'deliver', 'deliver_waive']
            : [];
    const lastEvent = this.#last.get(c.applicationId);
    return {
      applicationId: c.applicationId,
      matter: c.matter,
      applicant: c.applicant,
      status: c.status,
      statusText: c.status === 'approved' && completed ? '已办结，待送达' : STATUS_TEXT[c.status],
      completed,
      departments: c.departments.map((d) => ({
        id: d.id,
        name: this.departmentNames[d.id] ?? d.id,
        status: d.status,
        statusText: DEPARTMENT_TEXT[d.status] ?? d.status,
        actions: open && d.status === 'pending' ? ['approve', 'reject'] : [],
      })),
      actions,
      missing: c.missing ?? [],
      receivedAt: c.receivedAt,
      updatedAt: c.updatedAt,
      ...(lastEvent ? { lastEvent } : {}),
    };
  }
}
