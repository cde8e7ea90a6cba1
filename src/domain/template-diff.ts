// A readable summary of what changed between two versions of a matter template, in Chinese, for the audit
// log, the publish confirmation card and `npm run matters:import`. Pure.
import { describeCondition } from './situations.js';
import type { Condition, Matter } from './types.js';

/** One line per change (empty: nothing changed apart from the version number). */
export function templateChanges(before: Matter | undefined, after: Matter): string[] {
  if (before === undefined) return [`新建事项「${after.name}」：${after.fields.length} 个填写项，${after.materials.length} 项材料`];
  const lines: string[] = [];
  const simple: [string, (m: Matter) => string][] = [
    ['名称', (m) => m.name],
    ['办理对象', (m) => m.category],
    ['承诺时限', (m) => `${m.timeLimit.promisedDays}个工作日`],
    ['法定时限', (m) => `${m.timeLimit.legalDays}个工作日`],
    [
      '按情形的时限',
      (m) => (m.timeLimit.cases ?? []).map((c) => `${describeCondition(c.when, m)}时${c.promisedDays}天`).join('；') || '无',
    ],
    ['收费', (m) => `${m.fee.amount}元${m.fee.note ? `（${m.fee.note}）` : ''}`],
    ['送达方式', (m) => m.delivery.join('、')],
    ['现场环节', (m) => (m.onSiteSteps ?? []).map((s) => (typeof s === 'string' ? s : s.step)).join('；') || '无'],
    ['申请条件', (m) => m.conditions.join('；')],
    ['办理流程', (m) => m.steps.join('；')],
    ['简介', (m) => m.summary ?? ''],
  ];
  for (const [label, read] of simple) {
    if (read(before) !== read(after)) lines.push(`${label}：${read(before) || '无'} → ${read(after) || '无'}`);
  }
  const field = (f: Matter['fields'][number]) => [f.key, f.label] as const;
  const material = (m: Matter['materials'][number]) => [m.id, m.name] as const;
  const department = (d: Matter['departments'][number]) => [d.id, d.name] as const;
  lines.push(...listChanges('填写项', before.fields, after.fields, field, before, after));
  lines.push(...listChanges('材料', before.materials, after.materials, material, before, after));
  lines.push(...listChanges('审批部门', before.departments, after.departments, department, before, after));
  return lines;
}

function listChanges<T extends { when?: Condition }>(
  what: string,
  before: T[],
  after: T[],
  naming: (item: T) => readonly [id: string, name: string],
  old: Matter,
  now: Matter,
): string[] {
  const id = (item: T) => naming(item)[0];
  const name = (item: T) => naming(item)[1];
  const lines: string[] = [];
  const was = new Map(before.map((item) => [id(item), item]));
  const is = new Map(after.map((item) => [id(item), item]));
  for (const item of after) {
    const previous = was.get(id(item));
    const when = item.when ? `（${describeCondition(item.when, now)}时）` : '';
    if (!previous) lines.push(`新增${what}：${name(item)}${when}`);
    else if (JSON.stringify(previous) !== JSON.stringify(item)) lines.push(`修改${what}：${name(item)}${when}`);
  }
  for (const item of before)
    if (!is.has(id(item))) lines.push(`删除${what}：${name(item)}${item.when ? `（原${describeCondition(item.when, old)}时）` : ''}`);
  return lines;
}
