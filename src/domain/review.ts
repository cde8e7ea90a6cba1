// The numbered entries of the review before submitting: fields in template order, then materials. The
// numbers are what "修改 2" names, so the card that draws them and the handler that reads them share this.
import { applicableFields, applicableMaterials, type Answers } from './situations.js';
import type { Matter } from './types.js';

/** One numbered entry of the review and what editing it means. */
export interface ReviewEntry {
  index: number;
  label: string;
  /** `field:<key>` or `material:<id>`. */
  target: string;
}

/** Every entry of a matter's review that applies to the answers (情形), numbered from 1. */
export function reviewEntries(matter: Matter, answers: Answers): ReviewEntry[] {
  const fields = applicableFields(matter, answers).map((field) => ({ label: field.label, target: `field:${field.key}` }));
  const materials = applicableMaterials(matter, answers).map((material) => ({ label: material.name, target: `material:${material.id}` }));
  return [...fields, ...materials].map((entry, i) => ({ ...entry, index: i + 1 }));
}
