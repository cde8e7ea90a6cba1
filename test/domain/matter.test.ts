import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { loadMatters, loadMattersOrThrow } from '../../src/config-files.js';
import { MatterCatalogueError, matterCatalogue, parseMatter, parseMatterText, visitCount } from '../../src/domain/matter.js';
import type { Matter } from '../../src/domain/types.js';

const matter = suite('matter');

// Paths relative to test/ (this file sits in test/domain/).
const path = (relative: string) => fileURLToPath(new URL(relative, new URL('../', import.meta.url)));
const SEED = path('../config/matters');
const BAD = path('fixtures/matters/bad');
const sampleText = () => readFile(path('fixtures/matters/good/sample-matter.json'), 'utf8');
const sample = async (): Promise<Record<string, unknown>> => JSON.parse(await sampleText()) as Record<string, unknown>;

matter('loads the seed catalogue with no errors', async () => {
  const { matters, errors } = await loadMatters(SEED);
  assert.equal(errors, []);
  assert.ok(matters.length >= 9, `only ${matters.length} matters`);
  const types = new Set(matters.flatMap((m) => m.fields.map((f) => f.type)));
  assert.equal([...types].sort(), ['address', 'bankcard', 'date', 'enum', 'idcard', 'number', 'phone', 'text', 'uscc']);
  assert.ok(matters.filter((m) => m.departments.filter((d) => d.parallel).length >= 2).length >= 3);
  for (const m of matters) {
    assert.ok(m.fields.length >= 3 && m.fields.length <= 8, `${m.id} has ${m.fields.length} fields`);
    assert.ok(m.timeLimit.promisedDays < m.timeLimit.legalDays, `${m.id} promises no less than the law`);
  }
});

matter('counts the visits of the seed matters: 零上门 or 最多跑一次 with a Chinese reason', async () => {
  const catalogue = matterCatalogue(await loadMattersOrThrow(SEED));
  const visits = (id: string) => {
    const found = catalogue.get(id);
    if (!found) throw new Error(`missing seed matter ${id}`);
    return visitCount(found);
  };
  for (const id of ['enterprise-setup', 'individual-business', 'housing-fund-withdrawal', 'newborn-registration', 'employee-retirement']) {
    assert.is(visits(id).visits, 0, id);
    assert.match(visits(id).reason, '零上门');
  }
  assert.equal(visits('real-estate-transfer'), { visits: 1, reason: '领取纸质证照需到窗口一次' });
  assert.equal(visits('food-business-licence'), { visits: 1, reason: '需到现场一次：市场监管所到经营场所现场核查，经营者须在场配合' });
});

matter('counts an on-site step with mailed results as one visit and window pickup with e-licence as zero', async () => {
  const base = (await sample()) as unknown as Matter;
  assert.equal(visitCount({ ...base, delivery: ['mail'], onSiteSteps: ['现场核验身份'] }), {
    visits: 1,
    reason: '需到现场一次：现场核验身份',
  });
  assert.is(visitCount({ ...base, delivery: ['window', 'elicence'], window: { address: '杭州市民中心', hours: '9:00-17:00' } }).visits, 0);
  assert.throws(() => visitCount({ ...base, onSiteSteps: ['现场核验身份', '现场签字'] }), /需跑动 2 次/);
});

matter('reports each kind of invalid template with its file, JSON path and reason, all at once', async () => {
  const { matters, errors } = await loadMatters(BAD);
  assert.equal(
    matters.map((m) => m.id),
    ['valid-one'],
  );
  const find = (file: string, path: string) =>
    errors.find((e) => e.file === file && e.path === path)?.reason ?? `no error at ${file} ${path}`;
  assert.match(find('bad-json.json', ''), /^不是有效的 JSON（第 5 行）：/);
  assert.is(find('missing-name.json', 'name'), '缺少必填项');
  assert.is(find('enum-without-options.json', 'fields[2].options'), '选择题（enum）必须列出 options 选项');
  assert.match(find('bad-pattern.json', 'fields[1].pattern'), /^正则表达式无法编译：/);
  assert.is(find('promised-over-legal.json', 'timeLimit.promisedDays'), '承诺时限（8个工作日）不能超过法定时限（5个工作日）');
  assert.is(find('duplicate-id.json', 'id'), '事项编号“valid-one”与 a-valid.json 重复');
  assert.is(find('window-without-info.json', 'window'), '送达方式含窗口领取（window），必须填写窗口地址和办公时间');
  assert.match(
    find('two-visits.json', 'onSiteSteps'),
    /^本事项需跑动 2 次（需到现场一次：现场核验身份；领取纸质证照需到窗口一次），超过“最多跑一次”/,
  );
  const many = errors.filter((e) => e.file === 'many-errors.json').map((e) => e.path);
  assert.equal(many, ['id', 'version', 'fields[3].key', 'materials[1].tolerance', 'delivery[1]', '', 'window']);
  assert.is(errors.length, 8 + many.length);
});

matter('throws one error naming every problem of every file', async () => {
  try {
    await loadMattersOrThrow(BAD);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, MatterCatalogueError);
    const { message, errors } = error as MatterCatalogueError;
    assert.match(message, `事项模板有 ${errors.length} 处错误`);
    for (const e of errors) assert.ok(message.includes(`${e.file}${e.path ? `: ${e.path}` : ''}: ${e.reason}`), e.reason);
    assert.match(message, '  - enum-without-options.json: fields[2].options: 选择题（enum）必须列出 options 选项');
  }
});

matter('reports a missing catalogue directory instead of crashing', async () => {
  const { matters, errors } = await loadMatters(path('fixtures/matters/does-not-exist'));
  assert.equal(matters, []);
  assert.is(errors.length, 1);
  assert.match(errors[0]!.reason, '无法读取事项目录');
});

matter(
  'refuses optional 容缺 materials, unknown keys, duplicate department ids, options on non-enum fields and unknown prefill sources',
  async () => {
    const json = await sample();
    const departments = json.departments as object[];
    const fields = json.fields as Record<string, unknown>[];
    const result = parseMatter(
      {
        ...json,
        departmnts: [],
        departments: [...departments, ...departments],
        fields: [{ ...fields[0], options: ['甲'] }, { ...fields[1], prefill: 'idcard.name' }, ...fields.slice(2)],
        materials: [{ id: 'x', name: '说明', required: false, tolerance: true }],
        delivery: [],
      },
      'inline.json',
    );
    assert.equal(result.ok ? [] : result.errors.map((e) => `${e.path} ${e.reason}`), [
      'departments[1].id 部门编号“rs”重复',
      'fields[0].options 只有选择题（enum）才能有 options',
      'fields[1].prefill 预填来源应为 applicant.name 或 licence:<证照类型>.<holderName|number|issuer|issuedAt|validUntil>',
      'materials[0].tolerance 非必需材料不能设为容缺受理（容缺只适用于必需材料）',
      'delivery 至少选择一种送达方式',
      ' 不认识的键：departmnts（检查拼写）',
    ]);
  },
);

matter('parses a valid template text into exactly the Matter shape', async () => {
  const result = parseMatterText(await sampleText(), 'sample-matter.json');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  assert.is(result.matter.id, 'sample-matter');
  assert.equal(
    result.matter.fields.map((f) => f.key),
    ['applicantIdNumber', 'phone', 'kind'],
  );
  assert.is(result.matter.window, undefined);
});

matter('builds a catalogue with lookup by id and by category', async () => {
  const matters = await loadMattersOrThrow(SEED);
  const catalogue = matterCatalogue(matters);
  assert.is(catalogue.get('enterprise-setup')?.name, '企业开办');
  assert.is(catalogue.get('nope'), undefined);
  assert.equal(
    catalogue.all().map((m) => m.id),
    matters.map((m) => m.id),
  );
  const { 个人: citizen, 法人: enterprise } = catalogue.byCategory();
  assert.ok(citizen.some((m) => m.id === 'housing-fund-withdrawal'));
  assert.ok(enterprise.some((m) => m.id === 'enterprise-setup'));
  assert.is(citizen.length + enterprise.length, matters.length);
  catalogue.all().pop();
  assert.is(catalogue.all().length, matters.length);
});

matter.run();
