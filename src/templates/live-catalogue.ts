// The matter catalogue the bot reads: published template versions held in memory, changed in place when an
// admin publishes or retires, so a change takes effect without a restart (the bot, the guide and the sealed
// store's sensitive-field lookup all read through here).

import type { MatterSource } from '../domain/matter.js';
import type { Matter } from '../domain/types.js';

export type { MatterSource };

/** Whether a matter takes new applications. */
export type MatterStatus = 'active' | 'retired';

interface Head {
  current: number;
  status: MatterStatus;
}

/** The live catalogue: every published version by `id@version`, and each matter's current one and status. */
export class LiveCatalogue implements MatterSource {
  readonly #versions = new Map<string, Matter>();
  readonly #heads = new Map<string, Head>();

  /** A catalogue where each given matter is published and active (tests, and the files before seeding). */
  constructor(matters: readonly Matter[] = []) {
    for (const matter of matters) this.publish(matter);
  }

  list(): Matter[] {
    return [...this.#heads.entries()].flatMap(([id, head]) => (head.status === 'active' ? [this.at(id, head.current)!] : []));
  }

  /** Current versions of every published matter, retired ones included (statistics over all applications). */
  all(): Matter[] {
    return [...this.#heads.entries()].map(([id, head]) => this.at(id, head.current)!);
  }

  get(id: string): Matter | undefined {
    const head = this.#heads.get(id);
    return head?.status === 'active' ? this.at(id, head.current) : undefined;
  }

  at(id: string, version: number): Matter | undefined {
    return this.#versions.get(`${id}@${version}`);
  }

  /** Status and current version of a matter known to the catalogue. */
  head(id: string): { status: MatterStatus; current: number } | undefined {
    const head = this.#heads.get(id);
    return head ? { ...head } : undefined;
  }

  /** Makes `matter` (its `version`) the current version of an active matter. */
  publish(matter: Matter): void {
    this.remember(matter);
    this.setHead(matter.id, { current: matter.version, status: 'active' });
  }

  /** Points a matter at one of its remembered versions, with its status (as its head record says). */
  setHead(id: string, head: { current: number; status: MatterStatus }): void {
    if (!this.#versions.has(`${id}@${head.current}`)) throw new Error(`catalogue: version ${id}@${head.current} is not known`);
    this.#heads.set(id, { ...head });
  }

  /** Keeps an older published version for the applications filed under it, without making it current. */
  remember(matter: Matter): void {
    this.#versions.set(`${matter.id}@${matter.version}`, matter);
  }

  /** Stops new applications for the matter; its versions stay readable. */
  retire(id: string): void {
    const head = this.#heads.get(id);
    if (head) this.#heads.set(id, { ...head, status: 'retired' });
  }
}
