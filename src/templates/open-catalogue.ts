// The catalogue as the running bot opens it: seeded from the files on the first start, then loaded from the
// store; and the sealing store's view of which answers are personal data.
import type { MatterSource } from '../domain/matter.js';
import { sensitiveFieldKeys } from '../domain/sensitive-fields.js';
import type { Matter } from '../domain/types.js';
import type { SensitiveFields } from '../store/sealed-store.js';
import { ConflictError, type Store } from '../store/store.js';
import type { LiveCatalogue } from './live-catalogue.js';
import { loadCatalogue, seedRecords } from './seed.js';

// The store's codec learns which answers to seal from the live templates (see SensitiveFields in
// sealed-store.ts): a version published later is known without a restart; an unknown one seals every field.
export function sensitiveFieldsOf(catalogue: () => MatterSource): SensitiveFields {
  return (matter) => {
    const found = catalogue().at(matter.id, matter.version);
    return found ? sensitiveFieldKeys(found) : undefined;
  };
}

// The templates live in the store: the files seed it on the first start only (later edits of the files are
// imported on purpose with `npm run matters:import`), then the published versions are loaded.
// Instances started at the same moment on an empty database seed together: the records' revisions let one seed
// land, and the others, refused with a ConflictError, load what it wrote.
export async function openCatalogue(store: Store, files: Matter[], now: () => number): Promise<LiveCatalogue> {
  let ids = 0;
  const seed = await seedRecords(store, files, {
    now: now(),
    actor: { type: 'system', id: 'seed' },
    newId: () => `${now()}-seed-${(ids += 1)}`,
  });
  if (seed.length > 0) {
    try {
      await store.commit({ records: { put: seed } });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return loadCatalogue(store);
}
