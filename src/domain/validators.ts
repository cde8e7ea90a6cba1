// Validators for the structured answers a matter asks for: 居民身份证号, 统一社会信用代码, mobile numbers, bank cards and dates.
// Each returns the normalised value or a Chinese reason the applicant can act on. Pure: "today" is passed in.
import { isCalendarDate } from './china-time.js';

/** Result of validating one answer: the normalised value, or why it was refused (Chinese). */
export type Validation = { ok: true; value: string } | { ok: false; reason: string };

/** Optional context; `today` (YYYY-MM-DD, from the injected clock) enables the "not in the future" checks. */
export interface ValidationContext {
  today?: string;
}

const ok = (value: string): Validation => ({ ok: true, value });
const fail = (reason: string): Validation => ({ ok: false, reason });

// First two digits of a 居民身份证号 (GB/T 2260 provinces, plus 71/81/82/83 for 台湾/香港/澳门 residence permits).
const PROVINCE_CODES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/** Check character (ISO 7064 MOD 11-2) for the first 17 digits of a 居民身份证号. */
export function idCardCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARS[sum % 11] ?? '';
}

/** 18-digit 居民身份证号: format, region, birth date and MOD 11-2 check digit; lower-case x is normalised. */
export function validateIdCard(raw: string, context: ValidationContext = {}): Validation {
  const value = raw.replace(/\s+/g, '').toUpperCase();
  if (value.length !== 18) return fail('身份证号应为18位');
  if (!/^\d{17}[\dX]$/.test(value)) return fail('身份证号应为17位数字加1位数字或X');
  if (!PROVINCE_CODES.has(value.slice(0, 2))) return fail('身份证号中的地区码无效');
  const birth = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isCalendarDate(birth) || birth < '1900-01-01') return fail('身份证号中的出生日期无效');
  if (context.today !== undefined && birth > context.today) return fail('身份证号中的出生日期无效');
  if (idCardCheckChar(value) !== value[17]) return fail('身份证号校验位不正确');
  return ok(value);
}

// GB 32100-2015: the 31 characters of a 统一社会信用代码 (no I, O, S, V, Z) and the weights of positions 1–17.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Check character of a 统一社会信用代码 from its first 17 characters (assumed to be in the charset). */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += USCC_CHARS.indexOf(first17[i] ?? '') * (USCC_WEIGHTS[i] ?? 0);
  const check = 31 - (sum % 31);
  return USCC_CHARS[check === 31 ? 0 : check] ?? '';
}

/** 18-character 统一社会信用代码 (GB 32100-2015): charset, 6-digit region code and check character. */
export function validateUscc(raw: string): Validation {
  const value = raw.replace(/\s+/g, '').toUpperCase();
  if (value.length !== 18) return fail('统一社会信用代码应为18位');
  if ([...value].some((char) => !USCC_CHARS.includes(char))) {
    return fail('统一社会信用代码只能由数字和大写字母组成（不含I、O、S、V、Z）');
  }
  if (!/^\d{6}$/.test(value.slice(2, 8))) return fail('统一社会信用代码第3至8位应为行政区划码');
  if (usccCheckChar(value) !== value[17]) return fail('统一社会信用代码校验位不正确');
  return ok(value);
}

/** Mainland mobile number; spaces, dashes and a +86/86 prefix are stripped. */
export function validatePhone(raw: string): Validation {
  let value = raw.replace(/[\s\-()（）]/g, '');
  if (/^(\+86|0086|86)\d{11}$/.test(value)) value = value.slice(-11);
  if (!/^1[3-9]\d{9}$/.test(value)) return fail('手机号应为以1开头的11位大陆手机号码');
  return ok(value);
}

/** True when the digits pass the Luhn (mod 10) check that card numbers carry in their last digit. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Bank card number: 16–19 digits after dropping spaces and dashes, with a valid Luhn check digit
 * (UnionPay debit cards issued in mainland China carry one).
 */
export function validateBankCard(raw: string): Validation {
  const value = raw.replace(/[\s-]/g, '');
  if (!/^\d{16,19}$/.test(value)) return fail('银行卡号应为16至19位数字');
  if (!passesLuhn(value)) return fail('银行卡号校验位不正确，请核对卡号');
  return ok(value);
}

/** Date as YYYY-MM-DD, YYYY/M/D or YYYY年M月D日, normalised to YYYY-MM-DD; must exist on the calendar. */
export function validateDate(raw: string): Validation {
  const value = raw.replace(/\s+/g, '');
  const match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(value) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/.exec(value);
  if (!match) return fail('日期格式应为“年-月-日”，例如 2024-05-01');
  const [, year = '', month = '', day = ''] = match;
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (!isCalendarDate(iso)) return fail(`日期 ${iso} 不存在`);
  return ok(iso);
}
