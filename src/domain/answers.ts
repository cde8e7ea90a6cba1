// Validation of one answer to one matter field, as typed by the applicant (or pre-filled from shared data).
// The reason always names the field, so it can be shown alone: 「法定代表人身份证号」身份证号校验位不正确.
import type { MatterField } from './types.js';
import {
  type Validation,
  type ValidationContext,
  validateDate,
  validateIdCard,
  validateBankCard,
  validatePhone,
  validateUscc,
} from './validators.js';

/** Longest answer accepted when a field sets no maxLength. */
export const DEFAULT_MAX_LENGTH = 200;
/** Shortest address that can still be a detailed one (省市区 + 街道门牌). */
export const MIN_ADDRESS_LENGTH = 6;

/** Trims and validates `raw` for `field`; returns the normalised value or a Chinese reason naming the field. */
export function validateAnswer(field: MatterField, raw: string, context: ValidationContext = {}): Validation {
  const value = raw.trim();
  const name = `「${field.label}」`;
  if (value === '') return field.required ? { ok: false, reason: `${name}为必填项，请填写` } : { ok: true, value: '' };
  const maxLength = field.maxLength ?? DEFAULT_MAX_LENGTH;
  if ([...value].length > maxLength) return { ok: false, reason: `${name}不能超过${maxLength}个字` };
  const typed = validateByType(field, value, context);
  if (!typed.ok) return { ok: false, reason: `${name}${typed.reason}` };
  if (field.pattern !== undefined && !new RegExp(field.pattern, 'u').test(typed.value)) {
    return { ok: false, reason: `${name}格式不正确${field.help ? `：${field.help}` : ''}` };
  }
  return typed;
}

function validateByType(field: MatterField, value: string, context: ValidationContext): Validation {
  switch (field.type) {
    case 'text':
      return { ok: true, value };
    case 'number':
      return validateNumber(value);
    case 'date':
      return validateDate(value);
    case 'enum':
      return validateOption(field.options ?? [], value);
    case 'idcard':
      return validateIdCard(value, context);
    case 'phone':
      return validatePhone(value);
    case 'bankcard':
      return validateBankCard(value);
    case 'uscc':
      return validateUscc(value);
    case 'address':
      return [...value].length >= MIN_ADDRESS_LENGTH
        ? { ok: true, value }
        : { ok: false, reason: `请填写详细地址（至少${MIN_ADDRESS_LENGTH}个字），如：杭州市西湖区文三路100号` };
  }
}

// Plain decimal only: "1e3", "0x10", "Infinity" and negatives are refused; thousands separators are dropped.
function validateNumber(value: string): Validation {
  const plain = value.replace(/[,，]/g, '');
  if (!/^\d+(\.\d+)?$/.test(plain)) return { ok: false, reason: '应为不小于0的数字，如 100 或 12.5' };
  const number = Number(plain);
  if (!Number.isFinite(number)) return { ok: false, reason: '数字太大' };
  return { ok: true, value: String(number) };
}

// The option's own text, or its 1-based number as shown in the question ("1. 有限责任公司").
function validateOption(options: string[], value: string): Validation {
  if (options.includes(value)) return { ok: true, value };
  if (/^\d+$/.test(value)) {
    const option = options[Number(value) - 1];
    if (option !== undefined) return { ok: true, value: option };
  }
  const list = options.map((option, index) => `${index + 1}. ${option}`).join('；');
  return { ok: false, reason: `请从以下选项中选择（可回复序号）：${list}` };
}
