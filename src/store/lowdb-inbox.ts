// The processed inbound ids of the lowdb store: one append-only file per ten minutes (inbox/<slot>.log, one
// `["<id>",<epoch ms>]` line per id). Ids are only ever added and dropped ten minutes at a time, so a checkpoint
// appends the ids of the last second instead of rewriting the slot: at 9 o'clock on a Monday a rewritten
// ten-minute file grew by every message and was written out whole every second.
// Files of earlier versions (inbox/<slot>.json, lowdb JSON of `{ items: { id: at } }`) are read and dropped the same way.
import { appendFile, chmod, mkdir, readdir, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DIR_MODE, FILE_MODE, readClosed, removeLeftoverTemps, StoreFile } from './lowdb-file.js';
import { DamagedRecordError, describeIssues, inboxRecord } from './record-schemas.js';

const DIR = 'inbox';
const legacySchema = z.strictObject({ items: z.record(z.string(), inboxRecord) });
const lineSchema = z.tuple([z.string().min(1), inboxRecord]);

/** Processed ids by slot, persisted by appending. */
export class LowdbInbox {
  readonly #dataDir: string;
  readonly #root: string;
  readonly #slotOf: (at: number) => string;
  readonly #slots = new Map<string, Map<string, number>>();
  readonly #slotOfId = new Map<string, string>();
  /** Lines not yet appended, by slot. */
  readonly #unwritten = new Map<string, string[]>();
  readonly #dropped = new Set<string>();

  constructor(dataDir: string, slotOf: (at: number) => string) {
    this.#dataDir = dataDir;
    this.#root = join(dataDir, DIR);
    this.#slotOf = slotOf;
  }

  /** Reads every slot file; a damaged line names its file and line, except a torn last one (an append cut short). */
  async load(): Promise<void> {
    await mkdir(this.#root, { recursive: true, mode: DIR_MODE });
    await chmod(this.#root, DIR_MODE);
    await removeLeftoverTemps(this.#root);
    const files = (await readdir(this.#root)).filter((file) => /^[^.].*\.(json|log)$/.test(file)).sort();
    for (const file of files) {
      const slot = file.replace(/\.(json|log)$/, '');
      const entries = file.endsWith('.json') ? await this.#readLegacy(file) : await this.#readLog(file);
      for (const [id, at] of entries) this.#remember(slot, id, at);
    }
  }

  get size(): number {
    return this.#slotOfId.size;
  }

  has(id: string): boolean {
    return this.#slotOfId.has(id);
  }

  *entries(): IterableIterator<[string, number]> {
    for (const slot of this.#slots.values()) yield* slot.entries();
  }

  slotNames(): string[] {
    return [...this.#slots.keys()];
  }

  /** Records a processed id (again: nothing changes, as when the log is replayed over what was appended). */
  put(id: string, at: number): void {
    if (this.#slotOfId.has(id)) return;
    const slot = this.#slotOf(at);
    this.#remember(slot, id, at);
    this.#dropped.delete(slot);
    let lines = this.#unwritten.get(slot);
    if (!lines) this.#unwritten.set(slot, (lines = []));
    lines.push(`${JSON.stringify([id, at])}\n`);
  }

  /** Forgets a whole slot; its files go at the next flush. Returns how many ids went. */
  dropSlot(slot: string): number {
    const ids = this.#slots.get(slot);
    if (!ids) return 0;
    for (const id of ids.keys()) this.#slotOfId.delete(id);
    this.#slots.delete(slot);
    this.#unwritten.delete(slot);
    this.#dropped.add(slot);
    return ids.size;
  }

  get dirty(): boolean {
    return this.#unwritten.size > 0 || this.#dropped.size > 0;
  }

  /** Appends the new ids of each slot and removes dropped slots' files. */
  async flush(): Promise<void> {
    const unwritten = [...this.#unwritten];
    const dropped = [...this.#dropped];
    this.#unwritten.clear();
    this.#dropped.clear();
    try {
      await Promise.all([
        ...unwritten.map(([slot, lines]) => appendFile(join(this.#root, `${slot}.log`), lines.join(''), { mode: FILE_MODE })),
        ...dropped.flatMap((slot) => ['log', 'json'].map((ext) => rm(join(this.#root, `${slot}.${ext}`), { force: true }))),
      ]);
    } catch (error) {
      // Appended again by a later flush: a line twice reads as once. Until then the write-ahead log keeps them.
      for (const [slot, lines] of unwritten)
        if (!this.#dropped.has(slot)) this.#unwritten.set(slot, [...lines, ...(this.#unwritten.get(slot) ?? [])]);
      for (const slot of dropped) this.#dropped.add(slot);
      throw error;
    }
  }

  #remember(slot: string, id: string, at: number): void {
    let ids = this.#slots.get(slot);
    if (!ids) this.#slots.set(slot, (ids = new Map()));
    ids.set(id, at);
    this.#slotOfId.set(id, slot);
  }

  async #readLegacy(file: string): Promise<[string, number][]> {
    const data = await new StoreFile(this.#dataDir, join(DIR, file), legacySchema).read();
    return Object.entries(data?.items ?? {});
  }

  async #readLog(file: string): Promise<[string, number][]> {
    const name = `${DIR}/${file}`;
    let text: string;
    try {
      text = await readClosed(join(this.#root, file));
    } catch (error) {
      throw new DamagedRecordError(name, `cannot be read (${(error as Error).message})`, { cause: error });
    }
    const lines = text.split('\n');
    // Text after the last newline is an append a kill cut short: never acknowledged by a checkpoint, so the
    // write-ahead log still holds those ids. It is cut off, or the next append would continue that line.
    const torn = lines.pop() ?? '';
    if (torn !== '') await truncate(join(this.#root, file), Buffer.byteLength(text) - Buffer.byteLength(torn));
    return lines.map((line, i) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new DamagedRecordError(name, `line ${i + 1} is not valid JSON`);
      }
      const parsed = lineSchema.safeParse(json);
      if (!parsed.success) throw new DamagedRecordError(name, `line ${i + 1}: ${describeIssues(parsed.error)}`);
      return parsed.data;
    });
  }
}
