import { fileURLToPath } from 'node:url';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { guideCard } from '../../cards/guide-card.js';
import { answer, newDraft, supply } from '../../handlers/apply/draft.js';
import { loadMattersOrThrow } from '../../src/config-files.js';
import { checkCompleteness } from '../../src/domain/completeness.js';
import { parseMatter, visitCount } from '../../src/domain/matter.js';
import {
  applicableDepartments,
  applicableFields,
  applicableMaterials,
  holds,
  keepApplicable,
  situationsOf,
  timeLimitFor,
} from '../../src/domain/situations.js';
import type { Matter } from '../../src/domain/types.js';
import { cardText } from '../support/bot-harness.js';

const test = suite('situations');

let matters: Matter[];
const seed = (id: string): Matter => {
  const found = matters.find((m) => m.id === id);
  if (!found) throw new Error(`missing seed matter ${id}`);
  return found;
};
test.before(async () => {
  matters = await loadMattersOrThrow(fileURLToPath(new URL('../../config/matters', import.meta.url)));
});

const REASON = 'withdrawalReason';
const keys = (matter: Matter, answers: Record<string, string>) => applicableFields(matter, answers).map((f) => f.key);
const materialIds = (matter: Matter, answers: Record<string, string>) => applicableMaterials(matter, answers).map((m) => m.id);

test('evaluates equals, oneOf, and, or, not over own answers only', () => {
  const a = { kind: '租房', who: '本人' };
  assert.ok(holds({ field: 'kind', equals: '租房' }, a));
  assert.not.ok(holds({ field: 'kind', equals: '购房' }, a));
  assert.ok(holds({ field: 'kind', oneOf: ['购房', '租房'] }, a));
  assert.ok(
    holds(
      {
        and: [
          { field: 'kind', equals: '租房' },
          { field: 'who', equals: '本人' },
        ],
      },
      a,
    ),
  );
  assert.not.ok(
    holds(
      {
        and: [
          { field: 'kind', equals: '租房' },
          { field: 'who', equals: '代办' },
        ],
      },
      a,
    ),
  );
  assert.ok(
    holds(
      {
        or: [
          { field: 'kind', equals: '购房' },
          { field: 'who', equals: '本人' },
        ],
      },
      a,
    ),
  );
  assert.ok(holds({ not: { field: 'kind', equals: '购房' } }, a));
  assert.not.ok(holds({ field: 'kind', equals: '租房' }, {}), 'an unanswered question equals nothing');
  assert.not.ok(holds({ field: 'toString', oneOf: ['x'] }, Object.create({ toString: 'x' }) as Record<string, string>));
});

test('住房公积金提取 asks only what applies: 购房 never leads to a 租赁 question or material', () => {
  const fund = seed('housing-fund-withdrawal');
  const reason = fund.fields.find((f) => f.key === REASON)!;
  assert.equal(reason.options, ['购买自住住房', '租赁自住住房', '偿还住房贷款本息', '离休退休']);
  const buy = { [REASON]: '购买自住住房' };
  assert.equal(keys(fund, buy), ['applicantName', 'applicantIdNumber', REASON, 'contractNo', 'amount', 'bankCardNo', 'phone']);
  assert.equal(materialIds(fund, buy), ['applicant-id', 'property-certificate', 'purchase-invoice', 'marriage-certificate']);
  // Everything asked after the reason question (the question itself lists every option).
  const after = applicableFields(fund, buy).filter((f) => f.key !== REASON);
  const everything = JSON.stringify([...after, ...applicableMaterials(fund, buy)]);
  assert.not.ok(/租赁|租房/.test(everything), everything);
  const rent = { [REASON]: '租赁自住住房' };
  assert.equal(keys(fund, rent), ['applicantName', 'applicantIdNumber', REASON, 'amount', 'bankCardNo', 'phone']);
  assert.equal(materialIds(fund, rent), ['applicant-id', 'rental-record']);
  assert.equal(keys(fund, { [REASON]: '离休退休' }), ['applicantName', 'applicantIdNumber', REASON, 'bankCardNo', 'phone']);
});

test('completeness and the time limit follow the situation', () => {
  const fund = seed('housing-fund-withdrawal');
  const common = {
    applicantName: '张三',
    applicantIdNumber: '330106198503122031',
    amount: '1000',
    bankCardNo: '6222021234567890128',
    phone: '13800000001',
  };
  const id = { id: 'applicant-id', name: '居民身份证', source: 'elicence' as const, ref: '330106198503122031' };
  assert.equal(checkCompleteness(fund, { fields: { ...common, [REASON]: '租赁自住住房' }, materials: [id] }), []);
  const buying = checkCompleteness(fund, { fields: { ...common, [REASON]: '购买自住住房' }, materials: [id] });
  assert.equal(
    buying.map((m) => m.name),
    ['购房合同备案号', '不动产权证书', '购房发票'],
  );
  assert.equal(timeLimitFor(fund, { [REASON]: '购买自住住房' }), { legalDays: 5, promisedDays: 3 });
  assert.equal(timeLimitFor(fund, { [REASON]: '租赁自住住房' }), { legalDays: 3, promisedDays: 1 });
});

test('the seed matters declare situations for 不动产转移登记 and 企业开办, with departments per situation', () => {
  const estate = seed('real-estate-transfer');
  assert.equal(
    situationsOf(estate).map((s) => s.label),
    [
      '房屋产权情况：出卖人单独所有，是否申请家庭唯一住房契税优惠：申请',
      '房屋产权情况：出卖人单独所有，是否申请家庭唯一住房契税优惠：不申请',
      '房屋产权情况：出卖人夫妻共有，是否申请家庭唯一住房契税优惠：申请',
      '房屋产权情况：出卖人夫妻共有，是否申请家庭唯一住房契税优惠：不申请',
    ],
  );
  assert.ok(materialIds(estate, { ownership: '出卖人夫妻共有', taxRelief: '不申请' }).includes('spouse-consent'));
  assert.not.ok(materialIds(estate, { ownership: '出卖人单独所有', taxRelief: '不申请' }).includes('household-register'));
  const company = seed('enterprise-setup');
  const solo = { companyType: '有限责任公司（自然人独资）', premisesType: '自有房产' };
  assert.equal(materialIds(company, solo), ['legal-rep-id', 'articles', 'premises-own']);
  assert.equal(materialIds(company, { companyType: '股份有限公司', premisesType: '租赁房屋' }), [
    'legal-rep-id',
    'articles',
    'premises-lease',
    'shareholder-resolution',
  ]);
  assert.equal(applicableDepartments(company, solo).length, 4);
  for (const m of matters) for (const s of situationsOf(m)) assert.ok(visitCount(m, s.answers).visits <= 1, `${m.id} ${s.label}`);
});

test('changing an earlier answer drops the answers and materials that no longer apply', () => {
  const fund = seed('housing-fund-withdrawal');
  assert.equal(keepApplicable(fund, { [REASON]: '离休退休', amount: '100', contractNo: 'X1' }), { [REASON]: '离休退休' });
  let draft = newDraft(fund, { userId: 'citizen-zhang', name: '张三' });
  draft = answer(draft, fund, REASON, '租赁自住住房');
  draft = answer(draft, fund, 'amount', '1000');
  draft = supply(draft, 'rental-record', {
    id: 'rental-record',
    name: '房屋租赁登记备案证明',
    source: 'upload',
    ref: 'media-1',
    fileName: '备案.png',
  });
  draft = answer(draft, fund, REASON, '购买自住住房');
  assert.equal(draft.fields, { [REASON]: '购买自住住房', amount: '1000' });
  assert.equal(draft.materials, [], 'the 租赁 material is gone');
});

test('the guide lists the materials per situation and each time limit', () => {
  const text = cardText(guideCard(seed('housing-fund-withdrawal')));
  assert.match(text, '办理情形');
  assert.match(text, '如果提取原因为“租赁自住住房”：\n1. 房屋租赁登记备案证明');
  assert.match(text, '如果提取原因为“购买自住住房”：\n1. 不动产权证书');
  assert.match(text, '提取原因为“购买自住住房”时3个工作日（法定5个工作日）');
  assert.match(cardText(guideCard(seed('enterprise-setup'))), '如果不是（企业类型为“有限责任公司（自然人独资）”）：');
});

const base = (): Record<string, unknown> => ({
  id: 'sample',
  version: 1,
  name: '样例事项',
  aliases: [],
  keywords: [],
  category: '个人',
  conditions: ['条件'],
  steps: ['步骤'],
  departments: [{ id: 'a', name: '甲局', contactUserIds: ['r'], parallel: false }],
  fields: [
    { key: 'kind', label: '情形', type: 'enum', required: true, options: ['本人', '代办'] },
    { key: 'name', label: '姓名', type: 'text', required: true },
  ],
  materials: [{ id: 'm', name: '材料', required: true, tolerance: false }],
  timeLimit: { legalDays: 5, promisedDays: 2 },
  fee: { amount: 0 },
  delivery: ['elicence'],
});
const errorsOf = (json: Record<string, unknown>) => {
  const parsed = parseMatter(json, 't.json');
  return parsed.ok ? [] : parsed.errors.map((e) => `${e.path}: ${e.reason}`);
};

test('refuses conditions that name unknown, non-choice or later fields and options that do not exist, all at once', () => {
  const json = base();
  json.fields = [
    { key: 'kind', label: '情形', type: 'enum', required: true, options: ['本人', '代办'], when: { field: 'name', equals: 'x' } },
    { key: 'name', label: '姓名', type: 'text', required: true, when: { field: 'kind', equals: '他人' } },
  ];
  json.materials = [
    {
      id: 'm',
      name: '材料',
      required: true,
      tolerance: false,
      when: {
        or: [
          { field: 'nope', equals: 'x' },
          { field: 'kind', oneOf: ['本人', '别人'] },
        ],
      },
    },
  ];
  json.departments = [{ id: 'a', name: '甲局', contactUserIds: ['r'], parallel: false, when: { field: 'name', equals: '张三' } }];
  assert.equal(errorsOf(json), [
    'fields[0].when.field: 条件只能依据选择题（enum），「姓名」不是选择题',
    'fields[1].when.equals: “他人”不是「情形」的选项（可选：本人、代办）',
    'materials[0].when.or[0].field: 条件所依据的字段“nope”不存在',
    'materials[0].when.or[1].oneOf[1]: “别人”不是「情形」的选项（可选：本人、代办）',
    'departments[0].when.field: 条件只能依据选择题（enum），「姓名」不是选择题',
  ]);
});

test('refuses a malformed condition with its JSON path', () => {
  const json = base();
  json.materials = [{ id: 'm', name: '材料', required: true, tolerance: false, when: { field: 'kind', equals: '本人', oneOf: ['代办'] } }];
  assert.equal(errorsOf(json), ['materials[0].when: 条件必须且只能是 equals、oneOf、and、or、not 之一（现在是：equals、oneOf）']);
  json.materials = [
    { id: 'm', name: '材料', required: true, tolerance: false, when: { not: { field: 'kind', equals: '本人' }, field: 'kind' } },
  ];
  assert.equal(errorsOf(json), ['materials[0].when.field: equals 和 oneOf 需要 field（所依据的选择题 key），and、or、not 不能有 field']);
});

test('counts visits per situation and refuses a situation with two visits, naming it', () => {
  const json = base();
  json.delivery = ['window'];
  json.window = { address: '市民中心', hours: '9:00-17:00' };
  json.onSiteSteps = [{ step: '代办人到现场核验身份', when: { field: 'kind', equals: '代办' } }];
  assert.equal(errorsOf(json), [
    'onSiteSteps: 情形“情形：代办”需跑动 2 次（需到现场一次：代办人到现场核验身份；领取纸质证照需到窗口一次），超过“最多跑一次”：请改为电子送达或邮寄，或合并现场环节',
  ]);
  json.delivery = ['mail'];
  delete json.window;
  const parsed = parseMatter(json, 't.json');
  assert.ok(parsed.ok);
  assert.equal(visitCount(parsed.matter, { kind: '本人' }).visits, 0);
  assert.equal(visitCount(parsed.matter, { kind: '代办' }), { visits: 1, reason: '需到现场一次：代办人到现场核验身份' });
  assert.match(cardText(guideCard(parsed.matter)), '情形：本人：零上门');
});

test('refuses a situation without a reviewing department', () => {
  const json = base();
  json.departments = [{ id: 'a', name: '甲局', contactUserIds: ['r'], parallel: false, when: { field: 'kind', equals: '本人' } }];
  assert.equal(errorsOf(json), ['departments: 情形“情形：代办”没有审批部门：请检查各部门的 when 条件']);
});

test.run();
