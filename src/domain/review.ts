// The numbered entries of the review before submitting: fields in template order, then materials. The
// numbers are what "修改 2" names, so the card that draws them and the handler that reads them share this.
import type { Matter } from './types.js';

/** One numbered entry of the review and what editing it means. */
export interface ReviewEntry {
  index: number;
  label: string;
  /** `field:<key>` or `material:<id>`. */
  target: string;
}

/** Every entry of a matter's review, numbered from 1. */
export function reviewEntries(matter: Matter): ReviewEntry[] {
  const fields = matter.fields.map((field) => ({ label: field.label, target: `field:${field.key}` }));
  const materials = matter.materials.map((material) => ({ label: material.name, target: `material:${material.id}` }));
  return [...fields, ...materials].map((entry, i) => ({ ...entry, index: i + 1 }));
}
