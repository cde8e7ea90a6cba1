// The guide card (办事指南): everything a person needs to know before applying, including the visit
// count (零上门 / 最多跑一次) and why, with buttons to apply or to look at other matters.
import { visitCount, visitsBySituation } from '../src/domain/matter.js';
import { decidingFields, describeCondition } from '../src/domain/situations.js';
import type { Condition, DeliveryMode, MaterialSpec, Matter } from '../src/domain/types.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { fitCard } from './fit.js';
import { escapeMarkdown } from './markdown.js';

export const GUIDE_APPLY = 'guide.apply';
export const GUIDE_CATALOGUE = 'guide.catalogue';
export const GUIDE_SHOW = 'guide.show';

const DELIVERY_LABELS: Record<DeliveryMode, string> = { elicence: '电子证照', mail: '免费邮寄', window: '窗口领取' };

/** The guide of one matter; what depends on the situation (情形) is shown per situation. */
export function guideCard(matter: Matter): Card {
  const visit = visitCount(matter);
  const parallel = matter.departments.filter((d) => d.parallel).length > 1 ? '（并联审批）' : '';
  const when = (condition: Condition | undefined) => (condition ? `（${describeCondition(condition, matter)}时）` : '');
  const card: Card = {
    title: `办事指南 · ${matter.name}`,
    status: visit.visits === 0 ? { text: '零上门', tone: 'success' } : { text: '最多跑一次', tone: 'info' },
    sections: [
      ...(matter.summary ? [{ kind: 'markdown' as const, text: escapeMarkdown(matter.summary) }] : []),
      {
        kind: 'fields',
        items: [
          { label: '办理对象', value: matter.category === '个人' ? '个人' : '法人（企业）' },
          { label: '承诺时限', value: timeLimitText(matter) },
          { label: '收费', value: feeText(matter) },
          { label: '跑动次数', value: visitText(matter) },
          { label: '审批部门', value: `${matter.departments.map((d) => `${d.name}${when(d.when)}`).join('、')}${parallel}` },
          { label: '结果送达', value: matter.delivery.map((mode) => DELIVERY_LABELS[mode]).join('、') },
        ],
      },
      ...situationSections(matter),
      { kind: 'markdown', text: `**申请条件**\n${numbered(matter.conditions)}` },
      { kind: 'markdown', text: `**所需材料**\n${materialsText(matter)}` },
      { kind: 'markdown', text: `**办理流程**\n${numbered(matter.steps)}` },
    ],
    buttons: [
      button('立即申请', GUIDE_APPLY, { params: { matter: matter.id }, command: `我要办 ${matter.name}`, style: 'primary' }),
      button('咨询其他', GUIDE_CATALOGUE, { command: '办事指南' }),
    ],
  };
  return fitCard(card);
}

/** One material with its marks: optional, supplied by an e-licence, 容缺. */
export function materialLine(material: MaterialSpec): string {
  const marks = [
    material.required ? '' : '选交',
    material.elicence ? `可调取电子证照，免提交` : '',
    material.tolerance ? '支持容缺受理，可先承诺后补交' : '',
    material.copies && material.copies > 1 ? `${material.copies}份` : '',
  ].filter(Boolean);
  const notes = material.notes ? `：${material.notes}` : '';
  return `${material.name}${marks.length ? `（${marks.join('；')}）` : ''}${notes}`;
}

// 办理情形: the questions that decide the case, with their options.
function situationSections(matter: Matter): { kind: 'markdown'; text: string }[] {
  const deciding = decidingFields(matter);
  if (deciding.length === 0) return [];
  const lines = deciding.map((f) => `${f.label}：${(f.options ?? []).join(' / ')}`);
  return [{ kind: 'markdown', text: `**办理情形**（申请时选择，只需提交您的情形所需材料）\n${numbered(lines)}` }];
}

// Materials every applicant needs, then one group per condition: 如果提取原因为“租赁自住住房”：…
function materialsText(matter: Matter): string {
  if (matter.materials.length === 0) return '无需提交材料';
  const common = matter.materials.filter((m) => m.when === undefined);
  const groups = new Map<string, { condition: Condition; items: MaterialSpec[] }>();
  for (const material of matter.materials) {
    if (material.when === undefined) continue;
    const key = JSON.stringify(material.when);
    const group = groups.get(key) ?? { condition: material.when, items: [] };
    group.items.push(material);
    groups.set(key, group);
  }
  const parts = common.length ? [numbered(common.map(materialLine))] : [];
  for (const { condition, items } of groups.values()) {
    parts.push(`如果${escapeMarkdown(describeCondition(condition, matter))}：\n${numbered(items.map(materialLine))}`);
  }
  return parts.join('\n\n');
}

function timeLimitText(matter: Matter): string {
  const { promisedDays, legalDays, cases = [] } = matter.timeLimit;
  const base = `${promisedDays}个工作日（法定${legalDays}个工作日）`;
  const special = cases.map((c) => `${describeCondition(c.when, matter)}时${c.promisedDays}个工作日（法定${c.legalDays}个工作日）`);
  return [base, ...special].join('；');
}

// One line when every situation needs the same trips, else each situation's count.
function visitText(matter: Matter): string {
  const all = visitsBySituation(matter);
  const text = (v: { visits: 0 | 1; reason: string }) => `${v.visits === 0 ? '零上门' : '最多跑一次'}（${v.reason}）`;
  if (all.every((s) => s.visit.reason === all[0]?.visit.reason)) return text(visitCount(matter));
  return all.map((s) => `${s.label}：${text(s.visit)}`).join('；');
}

function feeText(matter: Matter): string {
  const amount = matter.fee.amount === 0 ? '免费' : `${matter.fee.amount}元`;
  return matter.fee.note ? `${amount}（${matter.fee.note}）` : amount;
}

// Items are escaped one by one; the "1." markers are ours.
function numbered(items: string[]): string {
  return items.map((item, index) => `${index + 1}. ${escapeMarkdown(item)}`).join('\n');
}
