// The zod schema of a matter template (事项) as written in config/matters/*.json.
// Messages are Chinese because admins read them in the console; unknown keys are refused so typos surface.
import { z } from 'zod';
import type { Condition, Matter } from './types.js';

// Pre-fill sources: the applicant's DingTalk profile, or a field of an e-licence (DESIGN.md e-licence protocol).
const PREFILL = /^(applicant\.(name|userId)|licence:[^.\s]+\.(holderName|number|issuer|issuedAt|validUntil))$/;

const text = z.string().trim().min(1, '不能为空');
const texts = z.array(text);
const fieldKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, '字段 key 只能用英文字母、数字和下划线，并以字母开头');

// One object with exactly one form, rather than a zod union, so a mistake gets a precise message and path.
const CONDITION_FORMS = ['equals', 'oneOf', 'and', 'or', 'not'] as const;
/** Schema of a `when` condition (情形); which fields and options it may name is checked in situations.ts. */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .strictObject({
      field: fieldKey.optional(),
      equals: text.optional(),
      oneOf: texts.min(1, '至少列出一个选项').optional(),
      and: z.array(conditionSchema).min(2, '“and” 至少需要两个条件').optional(),
      or: z.array(conditionSchema).min(2, '“or” 至少需要两个条件').optional(),
      not: conditionSchema.optional(),
    })
    .superRefine((condition, ctx) => {
      const forms = CONDITION_FORMS.filter((form) => condition[form] !== undefined);
      if (forms.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: `条件必须且只能是 equals、oneOf、and、or、not 之一（现在是：${forms.join('、') || '无'}）`,
        });
      } else if ((forms[0] === 'equals' || forms[0] === 'oneOf') !== (condition.field !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['field'],
          message: 'equals 和 oneOf 需要 field（所依据的选择题 key），and、or、not 不能有 field',
        });
      }
    })
    .transform((condition) => condition as Condition),
);

const departmentSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, '部门编号只能用小写字母、数字和连字符'),
  name: text,
  contactUserIds: z.array(text).min(1, '至少需要一名审批联系人（钉钉 userId）'),
  parallel: z.boolean(),
  when: conditionSchema.optional(),
});

const fieldSchema = z
  .strictObject({
    key: fieldKey,
    label: text,
    type: z.enum(['text', 'number', 'date', 'enum', 'idcard', 'phone', 'bankcard', 'uscc', 'address']),
    required: z.boolean(),
    options: z.array(text).min(1, '选项不能为空').optional(),
    pattern: z.string().min(1).optional(),
    help: text.optional(),
    maxLength: z.number().int().min(1).max(2000).optional(),
    prefill: z
      .string()
      .regex(PREFILL, '预填来源应为 applicant.name 或 licence:<证照类型>.<holderName|number|issuer|issuedAt|validUntil>')
      .optional(),
    sensitive: z.boolean().optional(),
    when: conditionSchema.optional(),
  })
  .superRefine((field, ctx) => {
    if (field.type === 'enum' && field.options === undefined) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: '选择题（enum）必须列出 options 选项' });
    }
    if (field.type !== 'enum' && field.options !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: '只有选择题（enum）才能有 options' });
    }
    if (field.options && new Set(field.options).size !== field.options.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: '选项不能重复' });
    }
    if (field.pattern !== undefined) {
      const problem = regexProblem(field.pattern);
      if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: `正则表达式无法编译：${problem}` });
    }
  });

const materialSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, '材料编号只能用小写字母、数字和连字符'),
    name: text,
    required: z.boolean(),
    elicence: text.optional(),
    tolerance: z.boolean(),
    promiseDays: z.number().int().min(1).max(60).optional(),
    copies: z.number().int().min(1).optional(),
    notes: text.optional(),
    when: conditionSchema.optional(),
  })
  .refine((material) => material.required || !material.tolerance, {
    path: ['tolerance'],
    message: '非必需材料不能设为容缺受理（容缺只适用于必需材料）',
  })
  .refine((material) => material.tolerance || material.promiseDays === undefined, {
    path: ['promiseDays'],
    message: 'promiseDays（容缺补交期限）只适用于容缺受理的材料',
  });

const days = { legalDays: z.number().int().min(1), promisedDays: z.number().int().min(1) };
const promiseWithinLaw = (limit: { legalDays: number; promisedDays: number }, ctx: z.RefinementCtx): void => {
  if (limit.promisedDays > limit.legalDays) {
    ctx.addIssue({
      code: 'custom',
      path: ['promisedDays'],
      message: `承诺时限（${limit.promisedDays}个工作日）不能超过法定时限（${limit.legalDays}个工作日）`,
    });
  }
};
const timeLimitCaseSchema = z.strictObject({ when: conditionSchema, ...days }).superRefine(promiseWithinLaw);
const timeLimitSchema = z.strictObject({ ...days, cases: z.array(timeLimitCaseSchema).min(1).optional() }).superRefine(promiseWithinLaw);
const onSiteStepSchema = z.union([text, z.strictObject({ step: text, when: conditionSchema })]);

/** Schema of one matter template; its output is exactly the shared `Matter` type. */
export const matterSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, '事项编号只能用小写字母、数字和连字符，如 enterprise-setup'),
    version: z.number().int().min(1),
    name: text,
    aliases: texts,
    keywords: texts,
    category: z.enum(['个人', '法人']),
    summary: text.optional(),
    conditions: texts.min(1, '至少写一条申请条件'),
    steps: texts.min(1, '至少写一个办理步骤'),
    departments: z.array(departmentSchema).min(1, '至少需要一个审批部门').superRefine(uniqueBy('id', '部门编号')),
    fields: z.array(fieldSchema).min(1, '至少需要一个填写项').superRefine(uniqueBy('key', '字段 key')),
    materials: z.array(materialSchema).superRefine(uniqueBy('id', '材料编号')),
    timeLimit: timeLimitSchema,
    fee: z.strictObject({ amount: z.number().min(0), note: text.optional() }),
    delivery: z
      .array(z.enum(['elicence', 'mail', 'window']))
      .min(1, '至少选择一种送达方式')
      .refine((modes) => new Set(modes).size === modes.length, '送达方式不能重复'),
    window: z.strictObject({ address: text, hours: text, bring: texts.optional() }).optional(),
    onSiteSteps: z.array(onSiteStepSchema).optional(),
  })
  .refine((matter) => !matter.delivery.includes('window') || matter.window !== undefined, {
    path: ['window'],
    message: '送达方式含窗口领取（window），必须填写窗口地址和办公时间',
    // Run even when other parts of the template are broken, as long as `delivery` itself is a list.
    when: (payload) => hasList(payload.value, 'delivery'),
  }) satisfies z.ZodType<Matter>;

// Compile-time check that the schema's output is the shared type in both directions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<z.output<typeof matterSchema>, Matter> = true;
void schemaMatchesType;

/** The Chinese reason a template's `pattern` does not compile, or undefined when it does. */
export function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function hasList(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && Array.isArray((value as Record<string, unknown>)[key]);
}

// Checks at the level of each list so they still run when another part of the template is broken.
function uniqueBy<K extends string>(key: K, what: string) {
  return (items: Record<K, string>[], ctx: z.RefinementCtx): void => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item[key])) ctx.addIssue({ code: 'custom', path: [index, key], message: `${what}“${item[key]}”重复` });
      seen.add(item[key]);
    });
  };
}

/** Zod error map: Chinese messages, and "缺少必填项" for a missing key instead of a type mismatch. */
export const matterErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return '缺少必填项';
  if (issue.code === 'unrecognized_keys') return `不认识的键：${issue.keys.join('、')}（检查拼写）`;
  return boundMessage(issue) ?? typeMessage(issue) ?? z.locales.zhCN().localeError(issue);
};

const TYPE_NAMES: Record<string, string> = {
  number: '数字',
  int: '整数',
  string: '文字',
  boolean: '是或否',
  array: '列表',
  object: '对象',
};

// zod's own Chinese names the JavaScript type ("期望 number >=1"); admins read the editor's words instead.
function boundMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return undefined;
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'number':
    case 'int':
      if (small) return inclusive ? `不能小于 ${bound}` : `必须大于 ${bound}`;
      return inclusive ? `不能大于 ${bound}` : `必须小于 ${bound}`;
    case 'string':
      return small ? `至少 ${bound} 个字` : `最多 ${bound} 个字`;
    case 'array':
      return small ? `至少 ${bound} 项` : `最多 ${bound} 项`;
    default:
      return undefined;
  }
}

function typeMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  const name = TYPE_NAMES[issue.expected];
  return name ? `应为${name}` : undefined;
}
