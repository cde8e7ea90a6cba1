// Situations (情形): which fields, materials, departments, on-site steps and time limit apply, decided by `when`
// conditions over the answers to earlier choice fields. Pure; the template checks live in situation-checks.ts.
import type { Condition, DepartmentSpec, MaterialSpec, Matter, MatterField, OnSiteStep } from './types.js';

/** Answers by field key (only the ones given so far). */
export type Answers = Readonly<Record<string, string | undefined>>;

/** True when `condition` holds for `answers`; no condition always holds, an unanswered field equals nothing. */
export function holds(condition: Condition | undefined, answers: Answers): boolean {
  if (condition === undefined) return true;
  // Own answers only: an inherited property is not an answer.
  const given = (key: string) => (Object.hasOwn(answers, key) ? answers[key] : undefined);
  if ('equals' in condition) return given(condition.field) === condition.equals;
  if ('oneOf' in condition) return condition.oneOf.includes(given(condition.field) ?? '\u0000');
  if ('and' in condition) return condition.and.every((part) => holds(part, answers));
  if ('or' in condition) return condition.or.some((part) => holds(part, answers));
  return !holds(condition.not, answers);
}

/** The condition in Chinese, e.g. 提取原因为“租赁自住住房”. */
export function describeCondition(condition: Condition, matter: Matter): string {
  const label = (key: string) => matter.fields.find((f) => f.key === key)?.label ?? key;
  if ('equals' in condition) return `${label(condition.field)}为“${condition.equals}”`;
  if ('oneOf' in condition) return `${label(condition.field)}为${condition.oneOf.map((v) => `“${v}”`).join('或')}`;
  if ('and' in condition) return condition.and.map((part) => describeCondition(part, matter)).join('，且');
  if ('or' in condition) return condition.or.map((part) => describeCondition(part, matter)).join('，或');
  return `不是（${describeCondition(condition.not, matter)}）`;
}

/** Field keys a condition looks at. */
export function conditionFields(condition: Condition | undefined): string[] {
  if (condition === undefined) return [];
  if ('field' in condition) return [condition.field];
  if ('and' in condition) return condition.and.flatMap(conditionFields);
  if ('or' in condition) return condition.or.flatMap(conditionFields);
  return conditionFields(condition.not);
}

/** The fields asked for these answers, in template order. */
export function applicableFields(matter: Matter, answers: Answers): MatterField[] {
  return matter.fields.filter((field) => holds(field.when, answers));
}

/** The materials needed for these answers, in template order. */
export function applicableMaterials(matter: Matter, answers: Answers): MaterialSpec[] {
  return matter.materials.filter((material) => holds(material.when, answers));
}

/** The departments reviewing for these answers. */
export function applicableDepartments(matter: Matter, answers: Answers): DepartmentSpec[] {
  return matter.departments.filter((department) => holds(department.when, answers));
}

/** The on-site steps (as text) for these answers. */
export function applicableOnSiteSteps(matter: Matter, answers: Answers): string[] {
  return (matter.onSiteSteps ?? []).filter((step) => holds(stepWhen(step), answers)).map(stepText);
}

/** The time limit for these answers: the first case that holds, else the default. */
export function timeLimitFor(matter: Matter, answers: Answers): { legalDays: number; promisedDays: number } {
  const { legalDays, promisedDays }: { legalDays: number; promisedDays: number } =
    matter.timeLimit.cases?.find((c) => holds(c.when, answers)) ?? matter.timeLimit;
  return { legalDays, promisedDays };
}

/** Answers kept only where their field still applies (changing an earlier answer drops what no longer does). */
export function keepApplicable(matter: Matter, answers: Record<string, string>): Record<string, string> {
  // Dropping one answer can make a later field inapplicable too: repeat until nothing changes.
  let kept = answers;
  for (;;) {
    const keys = new Set(applicableFields(matter, kept).map((f) => f.key));
    const next = Object.fromEntries(Object.entries(kept).filter(([key]) => keys.has(key)));
    if (Object.keys(next).length === Object.keys(kept).length) return next;
    kept = next;
  }
}

/** Choice fields some condition looks at, in template order: the questions that decide the situation. */
export function decidingFields(matter: Matter): MatterField[] {
  const conditions: (Condition | undefined)[] = [
    ...matter.fields.map((f) => f.when),
    ...matter.materials.map((m) => m.when),
    ...matter.departments.map((d) => d.when),
    ...(matter.onSiteSteps ?? []).map(stepWhen),
    ...(matter.timeLimit.cases ?? []).map((c) => c.when),
  ];
  const keys = new Set(conditions.flatMap(conditionFields));
  return matter.fields.filter((f) => keys.has(f.key) && f.type === 'enum');
}

/** One situation: an answer for each deciding question that is asked in it. */
export interface Situation {
  answers: Record<string, string>;
  /** e.g. 提取原因：租赁自住住房（'' for a matter without situations). */
  label: string;
}

/** Most situations a template may have (the checks refuse more): keeps the guide and the checks small. */
export const MAX_SITUATIONS = 64;

/** Every situation of the matter, walking the deciding questions in order (a question not asked does not branch). */
export function situationsOf(matter: Matter): Situation[] {
  let answers: Record<string, string>[] = [{}];
  for (const field of decidingFields(matter)) {
    answers = answers.flatMap((given) =>
      holds(field.when, given) ? (field.options ?? []).map((option) => ({ ...given, [field.key]: option })) : [given],
    );
    if (answers.length > MAX_SITUATIONS) break;
  }
  return answers.map((given) => ({ answers: given, label: situationLabel(matter, given) }));
}

/** 提取原因：租赁自住住房，申请人类型：代办. */
export function situationLabel(matter: Matter, answers: Answers): string {
  return decidingFields(matter)
    .filter((f) => answers[f.key] !== undefined)
    .map((f) => `${f.label}：${answers[f.key]}`)
    .join('，');
}

/** The condition of an on-site step (none for a plain step). */
export function stepWhen(step: OnSiteStep): Condition | undefined {
  return typeof step === 'string' ? undefined : step.when;
}

/** The text of an on-site step. */
export function stepText(step: OnSiteStep): string {
  return typeof step === 'string' ? step : step.step;
}
