// A template changed while a draft was open: the draft moves to the new version, keeping every answer and
// material that still fits it, and the person is told once what changed and what must be given again; a
// retired matter closes the draft.
import { closedFormCard } from '../../cards/closed-form-card.js';
import { complete, skip, type DialogTurn, type StepResult } from '../../src/bot/dialog.js';
import { validateAnswer } from '../../src/domain/answers.js';
import { chinaDay } from '../../src/domain/holiday-calendar.js';
import { applicableFields, keepApplicable } from '../../src/domain/situations.js';
import type { Matter } from '../../src/domain/types.js';
import { showCurrent } from './cards.js';
import { advance, planFor, type ApplyDraft } from './draft.js';

/**
 * The draft after its matter changed: retired → closed, and said in a message; another version → moved and shown
 * at its first item to answer again, the notice on the card. With `tellMoves` (the admin just published, the person
 * is not typing) and a card template, the notice is also a message of its own: an updated card makes no sound.
 * A draft already on the current version is left alone (skipped): it was told.
 */
export function followTemplate(draft: ApplyDraft, turn: DialogTurn, options: { tellMoves: boolean }): StepResult<ApplyDraft> {
  const matter = turn.ctx.matter(draft.matterId);
  if (!matter) {
    const name = turn.ctx.services.catalogue.at(draft.matterId, draft.matterVersion)?.name ?? '该事项';
    const text = `「${name}」已停止受理新的申请，您填写的内容没有提交。已提交的办件不受影响。`;
    turn.tell(text);
    return complete(closedFormCard(name, '已停止受理', text));
  }
  if (matter.version === draft.matterVersion) return skip();
  const moved = moveDraft(draft, matter, chinaDay(turn.ctx.now));
  if (options.tellMoves && turn.ctx.services.cardsInPlace) turn.tell(moved.notice);
  return showCurrent(moved.draft, matter, { notice: moved.notice });
}

/** The draft on `matter`'s version, at its first item still to answer (or the review), with the notice to show. */
export function moveDraft(draft: ApplyDraft, matter: Matter, today: string): { draft: ApplyDraft; notice: string } {
  const valid = Object.fromEntries(
    Object.entries(draft.fields).filter(([key, value]) => {
      const field = matter.fields.find((f) => f.key === key);
      return field !== undefined && validateAnswer(field, value, { today }).ok;
    }),
  );
  const fields = keepApplicable(matter, valid);
  const materialIds = new Set(matter.materials.map((m) => m.id));
  const moved: ApplyDraft = {
    ...draft,
    matterVersion: matter.version,
    plan: planFor(matter, draft.consent ?? false),
    editing: false,
    fields,
    sources: Object.fromEntries(Object.entries(draft.sources).filter(([key]) => Object.hasOwn(fields, key))),
    materials: draft.materials.filter((m) => materialIds.has(m.id)),
    cursor: -1,
  };
  // From the top, stepping over everything already answered: the first question is what changed.
  const next = advance(moved, matter, { skipAnswered: true });
  const dropped = Object.keys(draft.fields).filter(
    (key) => !Object.hasOwn(fields, key) && applicableFields(matter, fields).some((f) => f.key === key),
  );
  const labels = dropped.map((key) => matter.fields.find((f) => f.key === key)?.label ?? key);
  const head = `事项「${matter.name}」的办理要求已更新（第${matter.version}版）。`;
  const tail =
    next.cursor >= next.plan.length
      ? '您填写的内容仍然有效，请核对后提交。'
      : labels.length
        ? `请重新填写：${labels.join('、')}，其余内容已保留。`
        : '已保留您填写的内容，请补充新增的事项。';
  return { draft: next, notice: head + tail };
}
