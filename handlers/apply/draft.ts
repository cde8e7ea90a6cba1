// The apply dialog's state (plain JSON) and the pure moves on it: the plan of questions, where the
// cursor is, going forward past pre-filled items, going back, jumping to an item, and e-licence prefill.
import type { Licence } from '../../src/elicence/licence.js';
import { validateAnswer } from '../../src/domain/answers.js';
import { applicableMaterials, holds, keepApplicable } from '../../src/domain/situations.js';
import type { MaterialSpec, MaterialSubmission, Matter, MatterField } from '../../src/domain/types.js';
import { licenceTypes } from '../../src/domain/matter.js';

/** State of one application being filled in (stored as the dialog's data; bump the version on change). */
export interface ApplyDraft {
  matterId: string;
  matterVersion: number;
  applicant: { userId: string; name: string };
  /** The applicant's one-to-one conversation, once seen. */
  conversationId?: string;
  /** E-licence consent: true / false once answered; absent while not asked (or not applicable). */
  consent?: boolean;
  /**
   * Items in the order asked: `field:<key>` and `material:<id>`; the review comes after the last. Items whose
   * `when` does not hold for the answers so far are stepped over (situations, 情形).
   */
  plan: string[];
  cursor: number;
  /** Came from the review to change one item: go back to the review after it. */
  editing: boolean;
  /** After a new situation or template version: going forward steps over what is already answered. */
  resume?: boolean;
  fields: Record<string, string>;
  /** Field key → where a pre-filled value came from. */
  sources: Record<string, string>;
  materials: MaterialSubmission[];
}

/** Where the cursor is. */
export type Position =
  | { kind: 'field'; field: MatterField; position: number; total: number }
  | { kind: 'material'; material: MaterialSpec; position: number; total: number }
  | { kind: 'review' };

/** A fresh draft; the plan is set once consent is known. */
export function newDraft(matter: Matter, applicant: { userId: string; name: string }, conversationId?: string): ApplyDraft {
  return {
    matterId: matter.id,
    matterVersion: matter.version,
    applicant,
    ...(conversationId ? { conversationId } : {}),
    plan: planFor(matter, false),
    cursor: 0,
    editing: false,
    fields: {},
    sources: {},
    materials: [],
  };
}

/** Fields whose answer identifies a licence holder (居民身份证号, 统一社会信用代码). */
export function holderFields(matter: Matter): MatterField[] {
  return matter.fields.filter((f) => f.type === 'idcard' || f.type === 'uscc');
}

/** The consent question makes sense: the matter uses licences and asks for a holder id. */
export function needsConsent(matter: Matter): boolean {
  return licenceTypes(matter).length > 0 && holderFields(matter).length > 0;
}

/** Fields then materials; with consent the holder ids come first, so the lookup can fill the rest. */
export function planFor(matter: Matter, consent: boolean): string[] {
  const holders = consent ? holderFields(matter) : [];
  const fields = [...holders, ...matter.fields.filter((f) => !holders.includes(f))];
  return [...fields.map((f) => `field:${f.key}`), ...matter.materials.map((m) => `material:${m.id}`)];
}

/** True when the plan item applies to the draft's answers so far (its `when` holds). */
export function isApplicable(draft: ApplyDraft, matter: Matter, item: string): boolean {
  const [kind, id] = splitItem(item);
  const spec = kind === 'field' ? matter.fields.find((f) => f.key === id) : matter.materials.find((m) => m.id === id);
  return spec !== undefined && holds(spec.when, draft.fields);
}

/** The cursor moved forward onto an item that applies (or the review). */
export function settle(draft: ApplyDraft, matter: Matter): ApplyDraft {
  let cursor = draft.cursor;
  while (cursor < draft.plan.length && !isApplicable(draft, matter, draft.plan[cursor]!)) cursor += 1;
  return cursor === draft.cursor ? draft : { ...draft, cursor };
}

/** The item under the cursor (settled first), with its position among the applicable fields or materials. */
export function positionOf(draft: ApplyDraft, matter: Matter): Position {
  const item = draft.plan[settle(draft, matter).cursor];
  if (item === undefined) return { kind: 'review' };
  const [kind, id] = splitItem(item);
  const applicable = draft.plan.filter((i) => isApplicable(draft, matter, i));
  const fieldItems = applicable.filter((i) => i.startsWith('field:'));
  if (kind === 'field') {
    const field = matter.fields.find((f) => f.key === id);
    if (field) return { kind: 'field', field, position: fieldItems.indexOf(item) + 1, total: fieldItems.length };
  } else {
    const material = matter.materials.find((m) => m.id === id);
    const materialItems = applicable.filter((i) => i.startsWith('material:'));
    if (material) return { kind: 'material', material, position: materialItems.indexOf(item) + 1, total: materialItems.length };
  }
  throw new Error(`apply draft item ${item} is not in matter ${matter.id} v${matter.version}`);
}

/**
 * Moves on: to the review when editing, else to the next applicable item not already supplied by an e-licence
 * (with `skipAnswered`, nor answered at all: after a new situation was chosen from the review).
 */
export function advance(draft: ApplyDraft, matter: Matter, options: { skipAnswered?: boolean } = {}): ApplyDraft {
  if (draft.editing) return { ...draft, editing: false, cursor: draft.plan.length };
  const skipAnswered = options.skipAnswered === true || draft.resume === true;
  const passed = (item: string) =>
    !isApplicable(draft, matter, item) || isPrefilled(draft, item) || (skipAnswered && isAnswered(draft, item));
  let cursor = draft.cursor + 1;
  while (cursor < draft.plan.length && passed(draft.plan[cursor]!)) cursor += 1;
  const { resume: _done, ...rest } = draft;
  return skipAnswered && cursor < draft.plan.length ? { ...draft, cursor, resume: true } : { ...rest, cursor };
}

/** From the current item to the applicable one before (pre-filled ones included, so they can be changed). */
export function back(draft: ApplyDraft, matter: Matter): ApplyDraft {
  let cursor = Math.min(draft.cursor, draft.plan.length) - 1;
  while (cursor > 0 && !isApplicable(draft, matter, draft.plan[cursor]!)) cursor -= 1;
  const { resume: _stop, ...rest } = draft;
  return { ...rest, editing: false, cursor: Math.max(0, cursor) };
}

/** Jumps to an applicable `target` (`field:<key>` / `material:<id>`) to change it, then back to the review. */
export function jumpTo(draft: ApplyDraft, target: string, matter: Matter): ApplyDraft | undefined {
  const cursor = draft.plan.indexOf(target);
  return cursor < 0 || !isApplicable(draft, matter, target) ? undefined : { ...draft, cursor, editing: true };
}

/**
 * Sets a field's typed answer (a typed answer has no e-licence source). Answers and materials that no longer
 * apply after it (another situation was chosen) are dropped.
 */
export function answer(draft: ApplyDraft, matter: Matter, key: string, value: string): ApplyDraft {
  const { [key]: _source, ...sources } = draft.sources;
  const { [key]: _old, ...rest } = draft.fields;
  return applicableOnly({ ...draft, fields: value === '' ? rest : { ...rest, [key]: value }, sources }, matter);
}

/** The draft without the answers and materials that do not apply in its situation (情形). */
export function applicableOnly(draft: ApplyDraft, matter: Matter): ApplyDraft {
  const fields = keepApplicable(matter, draft.fields);
  const materialIds = new Set(applicableMaterials(matter, fields).map((m) => m.id));
  return {
    ...draft,
    fields,
    sources: Object.fromEntries(Object.entries(draft.sources).filter(([k]) => Object.hasOwn(fields, k))),
    materials: draft.materials.filter((m) => materialIds.has(m.id)),
  };
}

/** Replaces (or with undefined removes) the submission of a material. */
export function supply(draft: ApplyDraft, id: string, submission: MaterialSubmission | undefined): ApplyDraft {
  const others = draft.materials.filter((m) => m.id !== id);
  return { ...draft, materials: submission ? [...others, submission] : others };
}

/**
 * Fills what the licences can: empty fields whose `prefill` names a licence attribute (validated like
 * typed input) and materials the licences stand for. Expired licences are not used. Returns what was filled.
 * `right` (e.g. 经授权经办人调取) goes into each source, so the application records on what right a company's
 * licences were fetched.
 */
export function applyLicences(
  draft: ApplyDraft,
  matter: Matter,
  licences: Licence[],
  today: string,
  right?: string,
): { draft: ApplyDraft; filled: string[] } {
  const via = right ? `，${right}` : '';
  const usable = new Map(licences.filter((l) => !l.validUntil || l.validUntil >= today).map((l) => [l.type, l]));
  let next = draft;
  const filled: string[] = [];
  // Every situation's items: the licences are looked up once, before the situation may be known; answering
  // the situation question then drops what does not apply (answer()).
  for (const field of matter.fields) {
    const [type = '', attribute = ''] = field.prefill?.startsWith('licence:') ? field.prefill.slice(8).split('.') : [];
    const licence = usable.get(type);
    const raw = licence ? (licence as unknown as Record<string, unknown>)[attribute] : undefined;
    if (!licence || typeof raw !== 'string' || next.fields[field.key]) continue;
    const checked = validateAnswer(field, raw, { today });
    if (!checked.ok) continue;
    next = {
      ...next,
      fields: { ...next.fields, [field.key]: checked.value },
      sources: { ...next.sources, [field.key]: `电子证照·${type}（${licence.issuer}${via}）` },
    };
    filled.push(field.label);
  }
  for (const material of matter.materials) {
    const licence = material.elicence ? usable.get(material.elicence) : undefined;
    if (!licence || next.materials.some((m) => m.id === material.id)) continue;
    next = supply(next, material.id, {
      id: material.id,
      name: material.name,
      source: 'elicence',
      ref: licence.number,
      origin: `${licence.issuer}${via}`,
    });
    filled.push(material.name);
  }
  return { draft: next, filled };
}

function isPrefilled(draft: ApplyDraft, item: string): boolean {
  const [kind, id] = splitItem(item);
  if (kind === 'field') return draft.sources[id] !== undefined && Boolean(draft.fields[id]);
  return draft.materials.some((m) => m.id === id && m.source === 'elicence');
}

function isAnswered(draft: ApplyDraft, item: string): boolean {
  const [kind, id] = splitItem(item);
  return kind === 'field' ? Boolean(draft.fields[id]) : draft.materials.some((m) => m.id === id);
}

function splitItem(item: string): ['field' | 'material', string] {
  const at = item.indexOf(':');
  return [item.slice(0, at) === 'field' ? 'field' : 'material', item.slice(at + 1)];
}
