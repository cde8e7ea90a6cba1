// Reads the data files under config/ (matter templates, holiday overrides) and hands their text to the pure
// domain parsers; the only file I/O behind the catalogue and the calendar.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHolidayOverrides, type HolidayOverrides } from './domain/holiday-calendar.js';
import { collectMatters, MatterCatalogueError, type MatterLoadError, type TemplateText } from './domain/matter.js';
import type { Matter } from './domain/types.js';

/** Reads every `*.json` in `dir` (sorted by name); invalid files and duplicate ids are reported, not thrown. */
export async function loadMatters(dir: string): Promise<{ matters: Matter[]; errors: MatterLoadError[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    const reason = `无法读取事项目录：${error instanceof Error ? error.message : String(error)}`;
    return { matters: [], errors: [{ file: dir, path: '', reason }] };
  }
  const files = await Promise.all(names.map((file) => readTemplate(dir, file)));
  const unreadable = files.filter((entry): entry is MatterLoadError => 'reason' in entry);
  const loaded = collectMatters(files.filter((entry): entry is TemplateText => 'text' in entry));
  return { matters: loaded.matters, errors: [...unreadable, ...loaded.errors] };
}

async function readTemplate(dir: string, file: string): Promise<TemplateText | MatterLoadError> {
  try {
    return { file, text: await readFile(join(dir, file), 'utf8') };
  } catch (error) {
    return { file, path: '', reason: `无法读取文件：${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Loads the catalogue or throws one MatterCatalogueError naming every problem (fail fast at start-up). */
export async function loadMattersOrThrow(dir: string): Promise<Matter[]> {
  const { matters, errors } = await loadMatters(dir);
  if (errors.length > 0) throw new MatterCatalogueError(errors);
  return matters;
}

/** Reads and validates config/holidays.json (start-up; throws with the file name on any problem). */
export async function loadHolidayOverrides(file: string): Promise<HolidayOverrides> {
  try {
    return parseHolidayOverrides(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    throw new Error(`cannot load holiday overrides from ${file}: ${(error as Error).message}`, { cause: error });
  }
}
