// 提交: completeness first — anything missing is told in ONE message of its own listing every item and how
// to fix it (一次性告知; the form card stays at the review) — then the application gets its number, is submitted, its card is sent and the back
// office is called through the outbox.
import { APPLY_CANCEL, APPLY_EDIT, APPLY_REVIEW } from '../../cards/apply-actions.js';
import { applicationCard } from '../../cards/application-card.js';
import { button } from '../../cards/button.js';
import { missingItemsCard } from '../../cards/missing-items-card.js';
import { reviewEntries } from '../../src/domain/review.js';
import { complete, stayWith, type DialogTurn, type StepResult } from '../../src/bot/dialog.js';
import { applicationDay } from '../../src/domain/application-id.js';
import { createApplication, transition } from '../../src/domain/application.js';
import { checkCompleteness } from '../../src/domain/completeness.js';
import { chinaDay } from '../../src/domain/holiday-calendar.js';
import { applicableDepartments } from '../../src/domain/situations.js';
import type { Actor, Matter, MissingItem } from '../../src/domain/types.js';
import { applicableOnly, type ApplyDraft } from './draft.js';

/** Most "补充" buttons on the 一次性告知 card (plus 返回核对 and 取消). */
const FIX_BUTTONS = 4;

/** Submits the draft, or tells every missing item at once and stays at the review. */
export async function submitDraft(whole: ApplyDraft, matter: Matter, turn: DialogTurn): Promise<StepResult<ApplyDraft>> {
  const { ctx, owner } = turn;
  // E-licences may have filled items of other situations: only what applies is filed.
  const draft = applicableOnly(whole, matter);
  const missing = checkCompleteness(matter, { fields: draft.fields, materials: draft.materials }, { today: chinaDay(ctx.now) });
  if (missing.length > 0)
    return stayWith('review', { ...draft, cursor: draft.plan.length, editing: false }, missingCard(draft, matter, missing));

  const id = await ctx.nextApplicationId(applicationDay(ctx.now));
  const applicant = { userId: owner, name: draft.applicant.name || owner };
  const created = createApplication({
    id,
    matter,
    applicant,
    channel: {
      conversationId: draft.conversationId ?? `user:${owner}`,
      conversationType: 'single',
      ...(turn.cardId ? { formCardId: turn.cardId } : {}),
    },
    fields: draft.fields,
    materials: draft.materials,
    departments: applicableDepartments(matter, draft.fields).map((d) => d.id),
    now: ctx.now,
  });
  const clicker = turn.event?.sender.userId ?? owner;
  const actor: Actor = clicker === owner ? { type: 'applicant', id: owner, name: applicant.name } : { type: 'admin', id: clicker };
  const submitted = transition(created, { kind: 'submit' }, { now: ctx.now, actor });
  if (submitted.status !== 'ok') throw new Error(`a new application could not be submitted: ${submitted.message}`);
  const cardId = ctx.send({ kind: 'user', userId: owner }, applicationCard(submitted.application, matter), { owner });
  ctx.saveApplication({ ...submitted.application, channel: { ...submitted.application.channel, ...(cardId ? { cardId } : {}) } });
  ctx.callBackoffice('submit', id);
  return complete();
}

function missingCard(draft: ApplyDraft, matter: Matter, missing: MissingItem[]) {
  const items = reviewEntries(matter, draft.fields);
  const fixes = missing.flatMap((item) => {
    const found = items.find((i) => i.label === item.name);
    return found ? [button(`补充：${found.label}`, APPLY_EDIT, { params: { target: found.target }, command: `修改 ${found.index}` })] : [];
  });
  return missingItemsCard({
    title: `还有 ${missing.length} 项需要补充`,
    intro: '提交前检查发现以下问题，请一次补齐后再提交：',
    items: missing,
    buttons: [
      ...fixes.slice(0, FIX_BUTTONS),
      button('返回核对', APPLY_REVIEW, { command: '返回核对' }),
      button('取消办理', APPLY_CANCEL, { command: '取消', style: 'danger' }),
    ],
    footnote: '也可回复“修改 序号”逐项补充，补齐后点击“提交”。',
  });
}
