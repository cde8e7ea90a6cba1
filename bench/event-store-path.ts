// The store's share of one inbound event, alone and repeatable: the event's commit (its inbox id and a sessionWebhook
// reply job, sealed as the bot seals), the outbox's lease of the job (opened) and the commit that removes it, on a
// sealed lowdb store, N times, with no checkpoint until the end. Made to be counted, not timed: under `valgrind --tool=callgrind` the instructions of
// two runs (N = 300 and N = 3300) differ by the cost of 3,000 events, a figure the machine's load does not move.
// Run: npx tsx bench/event-store-path.ts [events=1000] [project root=this checkout, to measure another version]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from '../src/root-dir.js';
import type { Store } from '../src/store/store.js';

const [eventsText = '1000', root = ROOT_DIR] = process.argv.slice(2);
const events = Number(eventsText);
if (!Number.isInteger(events) || events < 1) throw new Error(`events must be a whole number ≥ 1, got ${eventsText}`);

// The other checkout's own modules, so its code is what runs.
const { LowdbStore } = (await import(join(root, 'src/store/lowdb-store.ts'))) as typeof import('../src/store/lowdb-store.js');
const { RecordCodec, SealedStore } = (await import(
  join(root, 'src/store/sealed-store.ts')
)) as typeof import('../src/store/sealed-store.js');
const { DataCipher } = (await import(join(root, 'src/store/data-cipher.ts'))) as typeof import('../src/store/data-cipher.js');

// Any key does: the store is new and thrown away.
const DATA_KEY = Buffer.alloc(32, 7).toString('base64');
const dir = await mkdtemp(join(tmpdir(), 'yiciban-bench-event-path-'));
// No checkpoint until close: one every second (the default) would make the count depend on how long the run took.
const lowdb = new LowdbStore({ dataDir: dir, checkpointMs: 24 * 3_600_000 });
const store: Store = new SealedStore(lowdb, new RecordCodec(new DataCipher({ current: DATA_KEY })));
await store.open();
// A help card's size: a dozen matter links as markdown.
const text = `### 办事指南\n${Array.from({ length: 12 }, (_, i) => `- [事项 ${i}](dtmd://dingtalkclient/sendMessage?content=%E5%8A%9E%E7%90%86${i})`).join('\n')}`;
const owner = 'bench';
let leased = 0;
const started = Date.now();
for (let i = 0; i < events; i++) {
  const at = started + i;
  const job = {
    id: `job-${i}`,
    kind: 'dingtalk.message' as const,
    key: `evt-${i}:0`,
    attempts: 0,
    nextAt: at,
    createdAt: at,
    group: `conversation-${i % 300}`,
    payload: {
      to: { kind: 'session', sessionWebhook: `http://127.0.0.1:1/robot/sendBySession?session=s${i}`, expiresAt: at + 3_600_000 },
      message: { markdown: { title: '帮助', text } },
    },
  };
  await store.commit({ inbox: [`evt-${i}`], jobs: { put: [job] } });
  for (const due of await store.leaseJobs(at, 100, { owner, leaseMs: 30_000, capacity: { 'dingtalk.message': 32 } })) {
    await store.commit({ jobs: { remove: [due.id] }, lease: { owner, jobs: [due.id] } });
    leased += 1;
  }
}
await store.close();
await rm(dir, { recursive: true, force: true });
if (leased !== events) throw new Error(`${leased} of ${events} jobs were leased and removed`);
console.log(`${events} events: committed, leased, removed`);
