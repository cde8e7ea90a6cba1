// The guide card (办事指南): everything a person needs to know before applying, including the visit
// count (零上门 / 最多跑一次) and why, with buttons to apply or to look at other matters.
import { visitCount } from '../src/domain/matter.js';
import type { DeliveryMode, MaterialSpec, Matter } from '../src/domain/types.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { fitCard } from './fit.js';
import { escapeMarkdown } from './markdown.js';

export const GUIDE_APPLY = 'guide.apply';
export const GUIDE_CATALOGUE = 'guide.catalogue';
export const GUIDE_SHOW = 'guide.show';

const DELIVERY_LABELS: Record<DeliveryMode, string> = { elicence: '电子证照', mail: '免费邮寄', window: '窗口领取' };

/** The guide of one matter. */
export function guideCard(matter: Matter): Card {
  const visit = visitCount(matter);
  const parallel = matter.departments.filter((d) => d.parallel).length > 1 ? '（并联审批）' : '';
  const card: Card = {
    title: `办事指南 · ${matter.name}`,
    status: visit.visits === 0 ? { text: '零上门', tone: 'success' } : { text: '最多跑一次', tone: 'info' },
    sections: [
      ...(matter.summary ? [{ kind: 'markdown' as const, text: escapeMarkdown(matter.summary) }] : []),
      {
        kind: 'fields',
        items: [
          { label: '办理对象', value: matter.category === '个人' ? '个人' : '法人（企业）' },
          { label: '承诺时限', value: `${matter.timeLimit.promisedDays}个工作日（法定${matter.timeLimit.legalDays}个工作日）` },
          { label: '收费', value: feeText(matter) },
          { label: '跑动次数', value: `${visit.visits === 0 ? '零上门' : '最多跑一次'}（${visit.reason}）` },
          { label: '审批部门', value: `${matter.departments.map((d) => d.name).join('、')}${parallel}` },
          { label: '结果送达', value: matter.delivery.map((mode) => DELIVERY_LABELS[mode]).join('、') },
        ],
      },
      { kind: 'markdown', text: `**申请条件**\n${numbered(matter.conditions)}` },
      { kind: 'markdown', text: `**所需材料**\n${matter.materials.length ? numbered(matter.materials.map(materialLine)) : '无需提交材料'}` },
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

function feeText(matter: Matter): string {
  const amount = matter.fee.amount === 0 ? '免费' : `${matter.fee.amount}元`;
  return matter.fee.note ? `${amount}（${matter.fee.note}）` : amount;
}

// Items are escaped one by one; the "1." markers are ours.
function numbered(items: string[]): string {
  return items.map((item, index) => `${index + 1}. ${escapeMarkdown(item)}`).join('\n');
}
