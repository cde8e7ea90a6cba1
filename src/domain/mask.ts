// Masked views of personal numbers (issue 9): 身份证 3301**********2031, 手机 138****0000, bank cards by
// their last four digits. Pure; the field shape is local so it does not depend on the template types.

/** The part of a matter field that decides masking. */
export interface MaskableField {
  type: string;
  sensitive?: boolean;
}

const MASKED_TYPES = new Set(['idcard', 'phone', 'bankcard']);

/** True for a field whose value is shown masked: idcard, phone, bankcard, or marked `sensitive`. */
export function isMaskedField(field: MaskableField): boolean {
  return field.sensitive === true || MASKED_TYPES.has(field.type);
}

/** 居民身份证号: first four and last four characters, the rest starred (3301**********2031). */
export function maskIdCard(value: string): string {
  return keepEnds(value, 4, 4);
}

/** Mobile number: first three and last four digits (138****0000). */
export function maskPhone(value: string): string {
  return keepEnds(value, 3, 4);
}

/** Bank card: only the last four digits (**** **** **** 1234). */
export function maskBankCard(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length <= 4 ? '****' : `**** **** **** ${digits.slice(-4)}`;
}

/** Any other sensitive value: the first and last character, the rest starred. */
export function maskSensitive(value: string): string {
  const chars = [...value];
  if (chars.length <= 2) return '*'.repeat(chars.length);
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** The value of `field` as cards and messages may show it. */
export function maskFieldValue(field: MaskableField, value: string): string {
  if (!value || !isMaskedField(field)) return value;
  if (field.type === 'idcard') return maskIdCard(value);
  if (field.type === 'phone') return maskPhone(value);
  if (field.type === 'bankcard') return maskBankCard(value);
  return maskSensitive(value);
}

/** Every field value of `values` masked per its field (unknown keys are masked as sensitive). */
export function maskFieldValues(
  fields: readonly (MaskableField & { key: string })[],
  values: Record<string, string>,
): Record<string, string> {
  const byKey = new Map(fields.map((field) => [field.key, field]));
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, maskFieldValue(byKey.get(key) ?? { type: 'text', sensitive: true }, value)]),
  );
}

// Numbers that look like personal data inside free text (a comment, a licence number, a typed note):
// an 18-character 身份证号, an 11-digit mobile number, a 12–19 digit bank card. Digit runs are matched
// whole, so parts of longer numbers or of dates and application numbers are left alone.
const PERSONAL_NUMBER = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{11,19})(?![0-9A-Za-z])/g;

/** Free text with every personal-looking number in it masked. */
export function maskPersonalNumbers(text: string): string {
  return text.replace(PERSONAL_NUMBER, (number) => {
    if (number.length === 18 && /^\d{17}[\dXx]$/.test(number) && /^[1-9]\d{5}(?:19|20)\d{2}/.test(number)) return maskIdCard(number);
    if (number.length === 11 && /^1[3-9]/.test(number)) return maskPhone(number);
    if (number.length >= 12) return maskBankCard(number);
    return number;
  });
}

function keepEnds(value: string, head: number, tail: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return `${chars.slice(0, head).join('')}${'*'.repeat(chars.length - head - tail)}${chars.slice(-tail).join('')}`;
}
