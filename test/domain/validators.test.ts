import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { passesLuhn, validateBankCard, validateDate, validateIdCard, validatePhone, validateUscc } from '../../src/domain/validators.js';

const validators = suite('validators');

// Independent check-digit formulas (derived weights, not the tables in validators.ts).
function idCard(first17: string): string {
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * (2 ** (17 - i) % 11), 0);
  const check = (12 - (sum % 11)) % 11;
  return first17 + (check === 10 ? 'X' : String(check));
}
const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function uscc(first17: string): string {
  const sum = [...first17].reduce((acc, char, i) => acc + USCC.indexOf(char) * (3 ** i % 31), 0);
  return first17 + USCC[(31 - (sum % 31)) % 31];
}
const reason = (result: { ok: boolean; reason?: string }) => (result.ok ? 'ok' : result.reason);

validators('accepts real-format 居民身份证号 and normalises a lower-case x', () => {
  const examples = ['11010519491231002X', idCard('33010619900307123'), idCard('33108220011231004'), idCard('81000019850615002')];
  for (const id of examples) assert.equal(validateIdCard(id), { ok: true, value: id }, id);
  assert.equal(validateIdCard(' 11010519491231002x '), { ok: true, value: '11010519491231002X' });
  const withX = ['3301061990030712', '3301061990030713', '3301061990030714', '3301061990030715']
    .flatMap((prefix) => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => idCard(prefix + d)))
    .find((id) => id.endsWith('X'));
  assert.ok(withX);
  assert.is(reason(validateIdCard(withX!.toLowerCase())), 'ok');
});

validators('refuses 居民身份证号 with the wrong length, check digit, region or birth date', () => {
  const good = idCard('33010619900307123');
  const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  const cases: [string, string][] = [
    ['330106900307123', '身份证号应为18位'],
    ['3301061990030712345', '身份证号应为18位'],
    ['33010619900307A23X', '身份证号应为17位数字加1位数字或X'],
    [wrongCheck, '身份证号校验位不正确'],
    [idCard('99010619900307123'), '身份证号中的地区码无效'],
    [idCard('09010619900307123'), '身份证号中的地区码无效'],
    [idCard('33010619900230123'), '身份证号中的出生日期无效'],
    [idCard('33010619001301123'), '身份证号中的出生日期无效'],
    ['440524188001010014', '身份证号中的出生日期无效'],
  ];
  for (const [id, expected] of cases) assert.is(reason(validateIdCard(id)), expected, id);
});

validators('refuses a birth date after today when the clock gives today', () => {
  const future = idCard('33010620300101123');
  assert.is(reason(validateIdCard(future, { today: '2026-03-01' })), '身份证号中的出生日期无效');
  assert.is(reason(validateIdCard(idCard('33010620260301123'), { today: '2026-03-01' })), 'ok');
});

validators('accepts real-format 统一社会信用代码 and upper-cases them', () => {
  const examples = ['91350100M000100Y43', uscc('91330106MA2B3C4D5'), uscc('12330000470000123'), uscc('Y1330100MA27XW7U9')];
  for (const code of examples) assert.equal(validateUscc(code), { ok: true, value: code }, code);
  assert.equal(validateUscc('91350100m000100y43'), { ok: true, value: '91350100M000100Y43' });
});

validators('refuses 统一社会信用代码 with a wrong check character, length, charset or region', () => {
  const cases: [string, string][] = [
    ['91350100M000100Y44', '统一社会信用代码校验位不正确'],
    ['91350100M000100Y4', '统一社会信用代码应为18位'],
    ['91350100M0001O0Y43', '统一社会信用代码只能由数字和大写字母组成（不含I、O、S、V、Z）'],
    [uscc('913A0100M00010012'), '统一社会信用代码第3至8位应为行政区划码'],
  ];
  for (const [code, expected] of cases) assert.is(reason(validateUscc(code)), expected, code);
});

validators('normalises mainland mobile numbers with prefixes, spaces and dashes', () => {
  for (const raw of ['13800138000', '+86 138 0013 8000', '86-138-0013-8000', '0086 13800138000', '138-0013-8000']) {
    assert.equal(validatePhone(raw), { ok: true, value: '13800138000' }, raw);
  }
  assert.equal(validatePhone('19912345678'), { ok: true, value: '19912345678' });
  for (const raw of ['12800138000', '1380013800', '138001380001', '0571-88888888', 'abc']) {
    assert.is(reason(validatePhone(raw)), '手机号应为以1开头的11位大陆手机号码', raw);
  }
});

validators('bank card numbers: 16–19 digits with a Luhn check digit; spaces and dashes are dropped', () => {
  for (const raw of ['6222021234567890128', '6222 0212 3456 7890 128', '6222-0212-3456-7890-128']) {
    assert.equal(validateBankCard(raw), { ok: true, value: '6222021234567890128' }, raw);
  }
  assert.equal(validateBankCard('4111111111111111'), { ok: true, value: '4111111111111111' });
  assert.is(reason(validateBankCard('6222021234567890123')), '银行卡号校验位不正确，请核对卡号');
  for (const raw of ['622202123456789', '62220212345678901234', '6222O21234567890128', '']) {
    assert.is(reason(validateBankCard(raw)), '银行卡号应为16至19位数字', raw);
  }
  assert.is(passesLuhn('79927398713'), true);
  assert.is(passesLuhn('79927398710'), false);
});

validators('normalises dates to YYYY-MM-DD and refuses days that do not exist', () => {
  const cases: [string, string][] = [
    ['2024-05-01', '2024-05-01'],
    ['2024/5/1', '2024-05-01'],
    ['2024年5月1日', '2024-05-01'],
    ['2024年12月31日', '2024-12-31'],
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
  ];
  for (const [raw, iso] of cases) assert.equal(validateDate(raw), { ok: true, value: iso }, raw);
  assert.is(reason(validateDate('2023-02-29')), '日期 2023-02-29 不存在');
  assert.is(reason(validateDate('1900-02-29')), '日期 1900-02-29 不存在');
  assert.is(reason(validateDate('2024-13-01')), '日期 2024-13-01 不存在');
  assert.is(reason(validateDate('2024-04-31')), '日期 2024-04-31 不存在');
  for (const raw of ['明天', '24-5-1', '2024.5', '20240501']) {
    assert.is(reason(validateDate(raw)), '日期格式应为“年-月-日”，例如 2024-05-01', raw);
  }
});

validators.run();
