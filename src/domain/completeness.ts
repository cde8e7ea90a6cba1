// 一次性告知: everything still missing from a draft application, listed at once with how to fix each item.
// Answers are re-validated here, so a forged or stale value stored in a draft never passes as complete.
import { validateAnswer } from './answers.js';
import { applicableFields, applicableMaterials } from './situations.js';
import type { MaterialSpec, MaterialSubmission, Matter, MissingItem } from './types.js';
import type { ValidationContext } from './validators.js';

/** The part of an application that completeness looks at. */
export interface DraftContent {
  fields: Record<string, string>;
  materials: MaterialSubmission[];
}

/**
 * Every missing or invalid field and every required material not supplied, fields first, each in template order;
 * only what applies in the situation (情形) the answers describe.
 */
export function checkCompleteness(matter: Matter, draft: DraftContent, context: ValidationContext = {}): MissingItem[] {
  const missing: MissingItem[] = [];
  for (const field of applicableFields(matter, draft.fields)) {
    const raw = Object.hasOwn(draft.fields, field.key) ? (draft.fields[field.key] ?? '') : '';
    if (raw.trim() === '') {
      if (field.required) missing.push({ name: field.label, reason: `请填写「${field.label}」` });
      continue;
    }
    const answer = validateAnswer(field, raw, context);
    if (!answer.ok) missing.push({ name: field.label, reason: `${answer.reason}，请重新填写` });
  }
  for (const material of applicableMaterials(matter, draft.fields)) {
    if (!material.required) continue;
    const submission = draft.materials.find((item) => item.id === material.id);
    if (submission === undefined || !counts(material, submission)) {
      missing.push({ name: material.name, reason: materialReason(material, submission) });
    }
  }
  return missing;
}

/** True when a submission really supplies the material (a 容缺 promise only where the template allows it). */
export function isMaterialSupplied(material: MaterialSpec, submission: MaterialSubmission | undefined): boolean {
  return submission !== undefined && counts(material, submission);
}

function counts(material: MaterialSpec, submission: MaterialSubmission): boolean {
  if (submission.ref.trim() === '') return false;
  switch (submission.source) {
    case 'upload':
      return true;
    case 'elicence':
      return material.elicence !== undefined;
    case 'promised':
      return material.tolerance;
  }
}

function materialReason(material: MaterialSpec, submission: MaterialSubmission | undefined): string {
  const how = material.elicence ? `请上传${material.name}或授权调取电子证照` : `请上传${material.name}`;
  const tolerance = material.tolerance ? '；也可先承诺后补交（容缺受理）' : '';
  if (submission?.source === 'promised' && !material.tolerance) return `${material.name}不支持容缺受理，${how}`;
  if (submission?.source === 'elicence' && !material.elicence) return `${material.name}没有电子证照，${how}`;
  return `${how}${tolerance}`;
}
