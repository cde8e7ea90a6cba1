// Matter templates (事项): validation, the 最多跑一次 visit count and the catalogue. Pure: the template
// files are read by src/config-files.ts, which hands their text to collectMatters.
import { matterErrorMap, matterSchema } from './matter-schema.js';
import { englishErrorMap, englishReason } from './matter-english.js';
import { situationProblems } from './situation-checks.js';
import type { Matter, MatterCategory } from './types.js';

export { visitCount, visitReasons, visitsBySituation } from './matter-visits.js';

/** One problem in one template file; `path` is a JSON path like `fields[2].options` ('' = the whole file). */
export interface MatterLoadError {
  file: string;
  path: string;
  reason: string;
  /** The reason in English (for the admin API). */
  en?: string;
}

export type MatterParse = { ok: true; matter: Matter } | { ok: false; errors: MatterLoadError[] };

/** The licence types the matter can use, in template order without repeats. */
export function licenceTypes(matter: Matter): string[] {
  const fromMaterials = matter.materials.flatMap((m) => (m.elicence ? [m.elicence] : []));
  const fromFields = matter.fields.flatMap((f) => (f.prefill?.startsWith('licence:') ? [f.prefill.slice(8).split('.')[0] ?? ''] : []));
  return [...new Set([...fromMaterials, ...fromFields])].filter(Boolean);
}

/** Validates one parsed JSON template; all problems are returned at once. */
export function parseMatter(json: unknown, file: string): MatterParse {
  const parsed = checkSchema(json, file);
  if (!parsed.ok) return parsed;
  // Checks that need the whole template: conditions name earlier choice fields, each situation ≤ 1 visit.
  const problems = situationProblems(parsed.matter);
  if (problems.length > 0)
    return { ok: false, errors: problems.map((problem) => ({ file, ...problem, en: englishReason(problem.reason) })) };
  return parsed;
}

/** The schema checks alone (what a draft must pass; publishing also runs the situation checks). */
export function checkSchema(json: unknown, file: string): MatterParse {
  const result = matterSchema.safeParse(json, { error: matterErrorMap });
  if (result.success) return { ok: true, matter: result.data };
  // The same parse in English gives the same issues in the same order.
  const english = matterSchema.safeParse(json, { error: englishErrorMap });
  const en = english.success ? [] : english.error.issues.map((issue) => englishReason(issue.message));
  return {
    ok: false,
    errors: result.error.issues.map((issue, i) => ({
      file,
      path: jsonPath(issue.path),
      reason: issue.message,
      en: en[i] ?? englishReason(issue.message),
    })),
  };
}

/** Parses a template file's text; bad JSON is reported with the file name and line. */
export function parseMatterText(text: string, file: string): MatterParse {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, '')); // editors on Windows may save a BOM
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [{ file, path: '', reason: `不是有效的 JSON${jsonErrorLine(text, message)}：${message}` }] };
  }
  return parseMatter(json, file);
}

/** A template file's name and text. */
export type TemplateText = { file: string; text: string };

/** Parses each file and refuses ids already used by an earlier file. */
export function collectMatters(files: TemplateText[]): { matters: Matter[]; errors: MatterLoadError[] } {
  const matters: Matter[] = [];
  const errors: MatterLoadError[] = [];
  const owners = new Map<string, string>();
  for (const { file, text } of files) {
    const parsed = parseMatterText(text, file);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    const owner = owners.get(parsed.matter.id);
    if (owner !== undefined) {
      errors.push({ file, path: 'id', reason: `事项编号“${parsed.matter.id}”与 ${owner} 重复` });
      continue;
    }
    owners.set(parsed.matter.id, file);
    matters.push(parsed.matter);
  }
  return { matters, errors };
}

/** Raised by loadMattersOrThrow; the message lists every error of every file. */
export class MatterCatalogueError extends Error {
  constructor(readonly errors: MatterLoadError[]) {
    super(`事项模板有 ${errors.length} 处错误：\n${errors.map(formatLoadError).join('\n')}`);
    this.name = 'MatterCatalogueError';
  }
}

/** One line for a load error: `file: path: reason`. */
export function formatLoadError(error: MatterLoadError): string {
  return `  - ${error.file}${error.path ? `: ${error.path}` : ''}: ${error.reason}`;
}

/** Read side of the catalogue, as handed to the bot. */
export interface MatterSource {
  /** Current published versions of the active matters, in catalogue order. */
  list(): Matter[];
  /** Current published versions of every matter, retired ones included. */
  all(): Matter[];
  /** The current published version of an active matter (what NEW applications use). */
  get(id: string): Matter | undefined;
  /** Any published version, retired matters included (what an application was filed under). */
  at(id: string, version: number): Matter | undefined;
}

/** Read-only view of the loaded matters. */
export interface MatterCatalogue {
  get(id: string): Matter | undefined;
  all(): Matter[];
  byCategory(): Record<MatterCategory, Matter[]>;
}

/** Builds the catalogue lookup over loaded matters (kept in load order). */
export function matterCatalogue(matters: readonly Matter[]): MatterCatalogue {
  const byId = new Map(matters.map((matter) => [matter.id, matter]));
  return {
    get: (id) => byId.get(id),
    all: () => [...matters],
    byCategory: () => ({
      个人: matters.filter((matter) => matter.category === '个人'),
      法人: matters.filter((matter) => matter.category === '法人'),
    }),
  };
}

function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`)).join('');
}

// V8 reports "at position N" (Node 20) or "(line L column C)" (Node 22); turn the position into a line number.
function jsonErrorLine(text: string, message: string): string {
  if (/line \d+/.test(message)) return '';
  const position = /position (\d+)/.exec(message);
  if (!position) return '';
  const line = text.slice(0, Number(position[1])).split('\n').length;
  return `（第 ${line} 行）`;
}
