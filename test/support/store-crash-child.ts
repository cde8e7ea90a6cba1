// Child process of test/store/crash.test.ts: commits applications with their jobs in a tight loop from
// several concurrent workers (each with a feature record of the same rev), printing "<id> <rev>" once each commit is acknowledged, until killed.
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { sampleApplication, sampleJob, sampleRecord } from './store-conformance.js';

// Only as the main script: a test runner that imports this file by pattern must not start writing.
const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
const dataDir = process.argv[2];
if (isMain && (!dataDir || !isAbsolute(dataDir))) throw new Error('usage: store-crash-child.ts <absolute data dir>');

async function worker(store: LowdbStore): Promise<never> {
  for (;;) {
    const id = await store.nextApplicationId('20261128');
    const app = sampleApplication(id, { applicant: { userId: `user-${id.slice(-1)}`, name: '王五' } });
    const note = sampleRecord(id, { kind: 'crash.note', updatedAt: Number(id.slice(-4)) });
    await store.commit({ inbox: [`msg:${id}`], applications: [app], records: { put: [note] }, jobs: { put: [sampleJob(`submit:${id}`)] } });
    process.stdout.write(`${id} 1\n`);
    if (Number(id.slice(-1)) % 2 === 0) {
      await store.commit({
        applications: [{ ...app, rev: 2, status: 'accepted' }],
        records: { put: [{ ...note, rev: 2, tags: { status: 'accepted' } }] },
        jobs: { put: [sampleJob(`update:${id}`)] },
      });
      process.stdout.write(`${id} 2\n`);
    }
  }
}

if (isMain && dataDir) {
  const store = new LowdbStore({ dataDir });
  await store.open();
  // stdout to a pipe is synchronous on Linux, so a printed line has left the process before the next commit.
  await Promise.all(Array.from({ length: 8 }, () => worker(store)));
}
