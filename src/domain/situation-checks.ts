// Template checks that need the whole matter: every `when` names an earlier choice field and its real options,
// the situations stay few, and every situation has a department and needs at most one visit (最多跑一次).
import { visitReasons } from './matter-visits.js';
import { MAX_SITUATIONS, decidingFields, situationsOf, stepWhen, applicableDepartments } from './situations.js';
import type { Condition, Matter } from './types.js';

/** One problem: a JSON path like `materials[2].when.equals` and the reason in Chinese. */
export interface TemplateProblem {
  path: string;
  reason: string;
}

/** Every problem of the matter's situations at once (an empty list: the template is sound). */
export function situationProblems(matter: Matter): TemplateProblem[] {
  const problems = conditionSites(matter).flatMap(({ path, when, before }) => conditionProblems(matter, when, `${path}.when`, before));
  if (problems.length > 0) return problems;
  const situations = situationsOf(matter);
  if (situations.length > MAX_SITUATIONS) {
    const names = decidingFields(matter)
      .map((f) => f.label)
      .join('、');
    return [{ path: 'fields', reason: `情形过多（超过 ${MAX_SITUATIONS} 种，由 ${names} 组合而成）：请减少决定情形的选择题或选项` }];
  }
  for (const situation of situations) {
    const where = situation.label ? `情形“${situation.label}”` : '本事项';
    if (applicableDepartments(matter, situation.answers).length === 0) {
      problems.push({ path: 'departments', reason: `${where}没有审批部门：请检查各部门的 when 条件` });
    }
    const reasons = visitReasons(matter, situation.answers);
    if (reasons.length > 1) {
      const path = matter.onSiteSteps?.length ? 'onSiteSteps' : 'delivery';
      problems.push({
        path,
        reason: `${where}需跑动 ${reasons.length} 次（${reasons.join('；')}），超过“最多跑一次”：请改为电子送达或邮寄，或合并现场环节`,
      });
    }
  }
  return problems;
}

interface ConditionSite {
  path: string;
  when: Condition;
  /** For a field: only fields before this index may be named. */
  before?: number;
}

function conditionSites(matter: Matter): ConditionSite[] {
  const sites: ConditionSite[] = [];
  matter.fields.forEach((f, i) => f.when && sites.push({ path: `fields[${i}]`, when: f.when, before: i }));
  matter.materials.forEach((m, i) => m.when && sites.push({ path: `materials[${i}]`, when: m.when }));
  matter.departments.forEach((d, i) => d.when && sites.push({ path: `departments[${i}]`, when: d.when }));
  (matter.onSiteSteps ?? []).forEach((s, i) => {
    const when = stepWhen(s);
    if (when) sites.push({ path: `onSiteSteps[${i}]`, when });
  });
  (matter.timeLimit.cases ?? []).forEach((c, i) => sites.push({ path: `timeLimit.cases[${i}]`, when: c.when }));
  return sites;
}

function conditionProblems(matter: Matter, condition: Condition, path: string, before: number | undefined): TemplateProblem[] {
  if ('and' in condition) return condition.and.flatMap((part, i) => conditionProblems(matter, part, `${path}.and[${i}]`, before));
  if ('or' in condition) return condition.or.flatMap((part, i) => conditionProblems(matter, part, `${path}.or[${i}]`, before));
  if ('not' in condition) return conditionProblems(matter, condition.not, `${path}.not`, before);
  const index = matter.fields.findIndex((f) => f.key === condition.field);
  const field = matter.fields[index];
  if (!field) return [{ path: `${path}.field`, reason: `条件所依据的字段“${condition.field}”不存在` }];
  if (field.type !== 'enum') return [{ path: `${path}.field`, reason: `条件只能依据选择题（enum），「${field.label}」不是选择题` }];
  if (before !== undefined && index >= before) {
    return [{ path: `${path}.field`, reason: `条件只能依据前面已问过的问题，「${field.label}」在本项之后或就是本项` }];
  }
  const values = 'equals' in condition ? [condition.equals] : condition.oneOf;
  const valuePath = (i: number) => ('equals' in condition ? `${path}.equals` : `${path}.oneOf[${i}]`);
  return values.flatMap((value, i) =>
    field.options?.includes(value)
      ? []
      : [{ path: valuePath(i), reason: `“${value}”不是「${field.label}」的选项（可选：${field.options?.join('、')}）` }],
  );
}
