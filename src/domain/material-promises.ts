// 容缺 materials on an application, pure: which promises are still open, handing them in, and the numbering of
// the supplements that carry them (and the 补正 rounds) to the back office.
import type { IllegalCode } from './application-events.js';
import type { Application, MaterialSubmission } from './types.js';

/** A refusal, in the shape the state machine answers with. */
type Refused = { status: 'illegal'; code: IllegalCode; message: string };

/**
 * An open promise blocks delivery unless the back office waives it explicitly (`waivedTolerance`); a waiver is
 * noted in the history.
 */
export function deliveryPromises(app: Pick<Application, 'materials'>, waived: boolean): { status: 'ok'; note?: string } | Refused {
  const open = openPromises(app)
    .map((m) => m.name)
    .join('、');
  if (!open) return { status: 'ok' };
  if (waived) return { status: 'ok', note: `容缺材料经后台豁免：${open}` };
  return {
    status: 'illegal',
    code: 'promise_open',
    message: `容缺承诺的材料尚未补交：${open}；补交后才能送达（后台可在回调中以 waivedTolerance: true 明确豁免）`,
  };
}

/** The materials promised under 容缺 and not handed in yet. */
export function openPromises(app: Pick<Application, 'materials'>): MaterialSubmission[] {
  return app.materials.filter((m) => m.source === 'promised');
}

/** Number of the next supplement sent to the back office: 补正 rounds and 容缺 hand-ins share one count (one Idempotency-Key each). */
export function nextSupplementRound(app: Pick<Application, 'history'>): number {
  return app.history.filter((h) => h.action === 'supplement' || h.action === 'fulfil_promise').length + 1;
}

/** The state-machine step of handing in: `supplied` replace open promises, the status stays; or why not. */
export function handInPromised(
  app: Pick<Application, 'materials' | 'status'>,
  supplied: MaterialSubmission[],
): { status: 'change'; to: Application['status']; patch: { materials: MaterialSubmission[] }; note: string } | Refused {
  const open = openPromises(app);
  if (open.length === 0) return { status: 'illegal', code: 'no_open_promise', message: '没有待补交的容缺材料' };
  if (['withdrawn', 'not_accepted', 'rejected'].includes(app.status))
    return { status: 'illegal', code: 'already_decided', message: '办件已结束，无需补交' };
  const handed = (supplied ?? []).filter((m) => open.some((o) => o.id === m.id) && m.source !== 'promised');
  if (handed.length === 0)
    return { status: 'illegal', code: 'invalid_event', message: `请补交以下材料：${open.map((m) => m.name).join('、')}` };
  const materials = app.materials.map((m) => handed.find((h) => h.id === m.id) ?? m).map((m) => ({ ...m }));
  return { status: 'change', to: app.status, patch: { materials }, note: handed.map((m) => m.name).join('、') };
}
