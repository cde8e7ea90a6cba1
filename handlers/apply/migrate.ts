// A template changed while a draft was open: the draft moves to the new version, keeping every answer and
// material that still fits it, and the person is told once what changed and what must be given again.
import { validateAnswer } from '../../src/domain/answers.js';
import { applicableFields, keepApplicable } from '../../src/domain/situations.js';
import type { Matter } from '../../src/domain/types.js';
import { advance, planFor, type ApplyDraft } from './draft.js';

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
