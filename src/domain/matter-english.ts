// English for the template errors (publishing answers in Chinese and English, for admins and for programs):
// zod's own English for built-in checks, and this table for our Chinese messages.
import { z } from 'zod';

const TABLE: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^缺少必填项$/, () => 'Required'],
  [/^不能为空$/, () => 'Must not be empty'],
  [/^不认识的键：(.+)（/, (m) => `Unknown key(s): ${m[1]!.split('、').join(', ')} (check the spelling)`],
  [/^不是有效的 JSON/, () => 'Not valid JSON'],
  [
    /^(部门|材料|事项)编号只能用/,
    (m) => `${{ 部门: 'Department', 材料: 'Material', 事项: 'Matter' }[m[1]!]} id: lower-case letters, digits and hyphens only`,
  ],
  [/^字段 key 只能用/, () => 'Field key: letters, digits and underscores, starting with a letter'],
  [/^至少需要一名审批联系人/, () => 'At least one reviewer contact (DingTalk userId)'],
  [/^预填来源应为/, () => 'prefill must be applicant.name or licence:<type>.<holderName|number|issuer|issuedAt|validUntil>'],
  [/^选择题（enum）必须列出 options/, () => 'An enum field needs options'],
  [/^只有选择题（enum）才能有 options/, () => 'Only enum fields may have options'],
  [/^选项不能重复$/, () => 'Options must be unique'],
  [/^正则表达式无法编译：(.*)$/, (m) => `The pattern does not compile: ${m[1]}`],
  [/^非必需材料不能设为容缺受理/, () => 'An optional material cannot allow tolerance acceptance (容缺)'],
  [/^承诺时限（(\d+)个工作日）不能超过法定时限（(\d+)个工作日）$/, (m) => `promisedDays (${m[1]}) must not exceed legalDays (${m[2]})`],
  [/^至少写一条申请条件$/, () => 'At least one condition'],
  [/^至少写一个办理步骤$/, () => 'At least one step'],
  [/^至少需要一个审批部门$/, () => 'At least one department'],
  [/^至少需要一个填写项$/, () => 'At least one field'],
  [/^至少选择一种送达方式$/, () => 'At least one delivery mode'],
  [/^送达方式不能重复$/, () => 'Delivery modes must be unique'],
  [/^送达方式含窗口领取/, () => 'Window delivery needs window.address and window.hours'],
  [/^至少列出一个选项$/, () => 'List at least one option'],
  [/^“(and|or)” 至少需要两个条件$/, (m) => `"${m[1]}" needs at least two conditions`],
  [/^条件必须且只能是/, () => 'A condition has exactly one of equals, oneOf, and, or, not'],
  [/^equals 和 oneOf 需要 field/, () => 'equals and oneOf need "field" (the choice field they test); and, or, not have none'],
  [/^条件所依据的字段“(.+)”不存在$/, (m) => `The condition names field "${m[1]}", which does not exist`],
  [/^条件只能依据选择题/, () => 'A condition may only test a choice (enum) field'],
  [/^条件只能依据前面已问过的问题/, () => "A field's condition may only test fields asked before it"],
  [/^“(.+)”不是「(.+)」的选项/, (m) => `"${m[1]}" is not an option of field "${m[2]}"`],
  [/^情形过多（超过 (\d+) 种/, (m) => `Too many situations (more than ${m[1]})`],
  [/^(?:情形“(.+)”|本事项)没有审批部门/, (m) => `${m[1] ? `Situation "${m[1]}"` : 'The matter'} has no department to review it`],
  [
    /^(?:情形“(.+)”|本事项)需跑动 (\d+) 次/,
    (m) => `${m[1] ? `Situation "${m[1]}"` : 'The matter'} needs ${m[2]} visits in person; at most one is allowed (最多跑一次)`,
  ],
  [/^(.+)“(.+)”重复$/, (m) => `Duplicate ${m[1]}: "${m[2]}"`],
  [/^事项编号“(.+)”与 (.+) 重复$/, (m) => `Matter id "${m[1]}" is already used by ${m[2]}`],
];

/** The English of one of our Chinese template messages (the Chinese itself when not in the table). */
export function englishReason(reason: string): string {
  for (const [pattern, english] of TABLE) {
    const match = pattern.exec(reason);
    if (match) return english(match);
  }
  return reason;
}

/** Zod error map in English, and "Required" for a missing key (our own checks keep their Chinese message). */
export const englishErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'Required';
  if (issue.code === 'unrecognized_keys') return `Unknown key(s): ${issue.keys.join(', ')} (check the spelling)`;
  return z.locales.en().localeError(issue);
};
