// The store conformance suite through the encryption wrapper (SealedStore) over the lowdb store: sealing
// must change nothing the Store contract promises.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../src/store/create-store.js';
import { DataCipher } from '../src/store/data-cipher.js';
import type { Store } from '../src/store/store.js';
import { TEST_DATA_KEY } from './support/harness.js';
import { storeConformance, type StoreHarness } from './support/store-conformance.js';

async function open(dataDir: string): Promise<Store> {
  // No catalogue: every field of every application is sealed (the fail-safe path).
  const store = createStore({ dataDir }, { cipher: new DataCipher({ current: TEST_DATA_KEY }) });
  await store.open();
  return store;
}

async function makeStore(): Promise<StoreHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'yiciban-sealed-lowdb-'));
  let current = await open(dir);
  const harness: StoreHarness = {
    store: current,
    reopen: async () => {
      await current.close();
      current = await open(dir);
      harness.store = current;
      return current;
    },
    cleanup: async () => {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

storeConformance('lowdb store, sealed', makeStore).run();
