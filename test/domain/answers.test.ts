import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { validateAnswer } from '../../src/domain/answers.js';
import type { MatterField } from '../../src/domain/types.js';

const answers = suite('answers');

const field = (overrides: Partial<MatterField>): MatterField => ({ key: 'f', label: '字段', type: 'text', required: true, ...overrides });
const reason = (result: { ok: boolean; reason?: string }) => (result.ok ? 'ok' : result.reason);

answers('trims the answer and asks again for an empty required one', () => {
  assert.equal(validateAnswer(field({ label: '企业名称' }), '  杭州云帆科技有限公司 \u3000'), { ok: true, value: '杭州云帆科技有限公司' });
  assert.is(reason(validateAnswer(field({ label: '企业名称' }), '   ')), '「企业名称」为必填项，请填写');
});

answers('accepts an empty optional answer as an empty string', () => {
  assert.equal(validateAnswer(field({ required: false, type: 'idcard' }), '  '), { ok: true, value: '' });
});

answers('names the field in the reason from the type validator', () => {
  const id = field({ label: '法定代表人身份证号', type: 'idcard' });
  assert.is(reason(validateAnswer(id, '11010519491231002Y')), '「法定代表人身份证号」身份证号应为17位数字加1位数字或X');
  assert.is(reason(validateAnswer(id, '110105194912310021')), '「法定代表人身份证号」身份证号校验位不正确');
  assert.equal(validateAnswer(id, '11010519491231002x'), { ok: true, value: '11010519491231002X' });
  assert.is(
    reason(validateAnswer(field({ label: '统一社会信用代码', type: 'uscc' }), '91350100M000100Y40')),
    '「统一社会信用代码」统一社会信用代码校验位不正确',
  );
  assert.equal(validateAnswer(field({ type: 'phone' }), '+86 139-0571-0000'), { ok: true, value: '13905710000' });
  assert.equal(validateAnswer(field({ type: 'date' }), '2025年7月1日'), { ok: true, value: '2025-07-01' });
});

answers('passes the clock to the 身份证 birth-date check', () => {
  const id = field({ label: '身份证号', type: 'idcard' });
  assert.is(reason(validateAnswer(id, '110105203012310026', { today: '2026-01-01' })), '「身份证号」身份证号中的出生日期无效');
});

answers('accepts an enum option by its text or its 1-based number', () => {
  const kind = field({ label: '提取原因', type: 'enum', options: ['购买自住住房', '租赁自住住房', '离职销户'] });
  assert.equal(validateAnswer(kind, '租赁自住住房'), { ok: true, value: '租赁自住住房' });
  assert.equal(validateAnswer(kind, ' 3 '), { ok: true, value: '离职销户' });
  assert.is(
    reason(validateAnswer(kind, '4')),
    '「提取原因」请从以下选项中选择（可回复序号）：1. 购买自住住房；2. 租赁自住住房；3. 离职销户',
  );
  assert.is(
    reason(validateAnswer(kind, '0')),
    '「提取原因」请从以下选项中选择（可回复序号）：1. 购买自住住房；2. 租赁自住住房；3. 离职销户',
  );
  assert.is(
    reason(validateAnswer(kind, '买房')),
    '「提取原因」请从以下选项中选择（可回复序号）：1. 购买自住住房；2. 租赁自住住房；3. 离职销户',
  );
});

answers('accepts only finite non-negative plain numbers', () => {
  const amount = field({ label: '提取金额（元）', type: 'number' });
  assert.equal(validateAnswer(amount, '12000'), { ok: true, value: '12000' });
  assert.equal(validateAnswer(amount, '12,000.50'), { ok: true, value: '12000.5' });
  assert.equal(validateAnswer(amount, '0'), { ok: true, value: '0' });
  for (const raw of ['-5', '1e9', 'Infinity', 'NaN', '0x10', '十万', '1.']) {
    assert.is(reason(validateAnswer(amount, raw)), '「提取金额（元）」应为不小于0的数字，如 100 或 12.5', raw);
  }
  assert.is(reason(validateAnswer(field({ label: '金额', type: 'number', maxLength: 400 }), '9'.repeat(400))), '「金额」数字太大');
});

answers('applies the template pattern and shows its help', () => {
  const card = field({ label: '本人一类银行卡号', pattern: '^\\d{16,19}$', help: '16至19位数字' });
  assert.equal(validateAnswer(card, '6222021234567890123'), { ok: true, value: '6222021234567890123' });
  assert.is(reason(validateAnswer(card, '6222-0212')), '「本人一类银行卡号」格式不正确：16至19位数字');
  assert.is(reason(validateAnswer(field({ label: '名称', pattern: '公司$' }), '云帆')), '「名称」格式不正确');
});

answers('limits the length to maxLength, 200 characters by default', () => {
  assert.is(reason(validateAnswer(field({ label: '经营范围' }), '食'.repeat(201))), '「经营范围」不能超过200个字');
  assert.is(reason(validateAnswer(field({ label: '经营范围' }), '食'.repeat(200))), 'ok');
  assert.is(reason(validateAnswer(field({ label: '姓名', maxLength: 5 }), '欧阳娜娜娜娜')), '「姓名」不能超过5个字');
});

answers('asks for a detailed address of at least six characters', () => {
  const address = field({ label: '经营场所', type: 'address' });
  assert.is(reason(validateAnswer(address, '杭州市')), '「经营场所」请填写详细地址（至少6个字），如：杭州市西湖区文三路100号');
  assert.equal(validateAnswer(address, '杭州市西湖区文三路100号'), { ok: true, value: '杭州市西湖区文三路100号' });
});

answers.run();
