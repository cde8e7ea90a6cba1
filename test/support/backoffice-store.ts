// A real lowdb store in a temporary directory, for the outbox tests (reopened on the same files for restarts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';

/** A real lowdb store in a fresh temporary directory; `open` again gives a new store on the same files. */
export async function tempStore(clock: () => number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-outbox-'));
  const open = async (): Promise<Store> => {
    const store = createStore({ dataDir }, { now: clock });
    await store.open();
    return store;
  };
  return { dataDir, open, remove: () => rm(dataDir, { recursive: true, force: true }) };
}
