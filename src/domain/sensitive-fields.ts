// Which answers are personal data that must be encrypted at rest (issue 9): the store's codec asks this.
import type { Matter, MatterField } from './types.js';

const SENSITIVE_TYPES: ReadonlySet<MatterField['type']> = new Set(['idcard', 'phone', 'bankcard']);

/** True for a 身份证号, phone or bank-card field, or one the template marks `sensitive`. */
export function isSensitiveField(field: MatterField): boolean {
  return field.sensitive === true || SENSITIVE_TYPES.has(field.type);
}

/** Keys of a matter's sensitive fields. */
export function sensitiveFieldKeys(matter: Matter): Set<string> {
  return new Set(matter.fields.filter(isSensitiveField).map((field) => field.key));
}
