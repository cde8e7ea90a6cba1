// Write-path benchmark of feature records in the lowdb store (sealed, as the bot builds it): one record update
// with 1,000 and 10,000 records of a kind stored, and an update of one notice holding 10,000 recipients.
// Run: npx tsx bench/records.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStore } from '../src/store/create-store.js';
import { DataCipher } from '../src/store/data-cipher.js';
import type { Store, StoredRecord } from '../src/store/store.js';
import { percentile } from './stats.js';

const cipher = new DataCipher({ current: Buffer.alloc(32, 1).toString('base64') });
const UPDATES = 200;

// A complaint-sized record: about 400 bytes of JSON.
function complaint(i: number): StoredRecord {
  return {
    kind: 'complaint',
    id: `c-${i}`,
    rev: 1,
    data: {
      from: `user-${i % 5_000}`,
      phone: '13800138000',
      text: '窗口办理时间太长，希望增加周末服务。'.repeat(4),
      department: 'gjj',
      replies: [],
    },
    updatedAt: i,
    tags: { status: i % 3 === 0 ? 'closed' : 'open', department: i % 2 === 0 ? 'gjj' : 'rsj' },
  };
}

async function measure(n: number): Promise<Record<string, number>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-bench-records-'));
  try {
    let store: Store = createStore({ dataDir }, { cipher });
    await store.open();
    for (let start = 0; start < n; start += 1_000) {
      await Promise.all(
        Array.from({ length: Math.min(1_000, n - start) }, (_, i) => store.commit({ records: { put: [complaint(start + i)] } })),
      );
    }
    const recipients = Array.from({ length: 10_000 }, (_, i) => ({ userId: `user-${i}`, state: 'pending' }));
    await store.commit({
      records: { put: [{ kind: 'notice', id: 'big', rev: 1, data: { title: '缴费提醒', recipients }, updatedAt: 0 }] },
    });
    await store.close();
    const opened = performance.now();
    store = createStore({ dataDir }, { cipher });
    await store.open();
    const openMs = performance.now() - opened;

    const small: number[] = [];
    for (let round = 0; round < UPDATES; round++) {
      const id = `c-${Math.floor(Math.random() * n)}`;
      const record = (await store.getRecord<Record<string, unknown>>('complaint', id))!;
      const started = performance.now();
      await store.commit({
        records: { put: [{ ...record, rev: record.rev + 1, updatedAt: n + round, tags: { ...record.tags, status: 'closed' } }] },
      });
      small.push(performance.now() - started);
    }
    const big: number[] = [];
    for (let round = 0; round < 20; round++) {
      const notice = (await store.getRecord<{ recipients: { state: string }[] }>('notice', 'big'))!;
      notice.data.recipients[round * 100]!.state = 'sent';
      const started = performance.now();
      await store.commit({ records: { put: [{ ...notice, rev: notice.rev + 1, updatedAt: round + 1 }] } });
      big.push(performance.now() - started);
    }
    const query: number[] = [];
    for (let round = 0; round < 50; round++) {
      const started = performance.now();
      await store.findRecords('complaint', { tags: { status: 'open', department: 'gjj' }, offset: round, limit: 20 });
      query.push(performance.now() - started);
    }
    await store.close();
    return {
      n,
      openMs,
      updateMedian: percentile(small, 50),
      updateP90: percentile(small, 90),
      bigNoticeMedian: percentile(big, 50),
      findMedian: percentile(query, 50),
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

for (const n of [1_000, 10_000]) console.log(JSON.stringify(await measure(n)));
