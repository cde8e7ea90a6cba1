// Write-path benchmark of the lowdb store: how long one application update (the application plus one
// outbox job, in one commit) takes with 1,000, 10,000 and 100,000 applications stored.
// Run: npx tsx bench/store.ts [sizes, e.g. 1000,10000] (npm run bench:store); bench/all.ts calls runStoreBench.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatApplicationId } from '../src/domain/application-id.js';
import type { Application } from '../src/domain/types.js';
import { createStore } from '../src/store/create-store.js';
import { DataCipher } from '../src/store/data-cipher.js';
import type { Store } from '../src/store/store.js';
import { isMain, percentile } from './stats.js';

// The store is built as the bot builds it: personal data sealed with AES-256-GCM (DATA_KEY) on the way in.
type LowdbStore = Store;
const cipher = new DataCipher({ current: Buffer.alloc(32, 1).toString('base64') });
const SENSITIVE = new Set(['phone', 'idcard']);
const openStore = (dataDir: string): LowdbStore => createStore({ dataDir }, { cipher, sensitive: () => SENSITIVE });

const PER_DAY = 1_000;
const UPDATES = 200;
const RECENT_UPDATES = 100;
const FIRST_DAY = Date.UTC(2026, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

// A realistic submitted-and-reviewed application: about 1.7 KB of JSON with its history.
function application(index: number): Application {
  const dayStart = FIRST_DAY + Math.floor(index / PER_DAY) * DAY_MS;
  const day = new Date(dayStart).toISOString().slice(0, 10);
  const at = (minutes: number) => new Date(dayStart + (index % PER_DAY) * 60_000 + minutes * 60_000).toISOString();
  const userId = `user-${index % 5_000}`;
  const applicant = { type: 'applicant' as const, id: userId, name: '张三' };
  return {
    id: formatApplicationId(day, (index % PER_DAY) + 1),
    rev: 1,
    matter: { id: 'individual-business-registration', version: 3, name: '个体工商户设立登记' },
    applicant: { userId, name: '张三' },
    channel: { conversationId: `cid${index.toString(36).padStart(12, 'x')}`, conversationType: 'single', cardId: `card-${index}` },
    fields: {
      name: '张三便利店',
      address: '浙江省杭州市西湖区文三路 100 号 1 幢 101 室',
      scope: '日用百货、预包装食品零售',
      phone: '13800138000',
      idcard: '330106199001011234',
    },
    materials: [
      { id: 'idcard', name: '居民身份证', source: 'elicence', ref: '330106199001011234', origin: '浙江省电子证照库' },
      { id: 'lease', name: '经营场所租赁合同', source: 'upload', ref: `media-${index}`, fileName: '租赁合同.pdf' },
      { id: 'photo', name: '经营场所照片', source: 'promised', ref: `promise-${index}` },
    ],
    departments: [
      { id: 'amr', name: '市场监督管理局', status: 'reviewing', at: at(30) },
      { id: 'tax', name: '税务局', status: 'pending' },
    ],
    status: 'in_review',
    createdAt: at(0),
    submittedAt: at(5),
    acceptedAt: at(20),
    deadline: new Date(dayStart + 5 * DAY_MS).toISOString().slice(0, 10),
    history: [
      { at: at(5), actor: applicant, action: 'submit', from: 'draft', to: 'submitted' },
      { at: at(20), actor: { type: 'backoffice', id: 'bo' }, action: 'accept', from: 'submitted', to: 'accepted' },
      {
        at: at(30),
        actor: { type: 'department', id: 'amr', name: '市场监督管理局' },
        action: 'start_review',
        from: 'accepted',
        to: 'in_review',
        department: 'amr',
      },
    ],
  };
}

async function seed(store: LowdbStore, count: number): Promise<void> {
  const wave = 5_000; // commits in flight at once; the store groups them into batches
  for (let start = 0; start < count; start += wave) {
    const commits: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + wave); i++) commits.push(store.commit({ applications: [application(i)] }));
    await Promise.all(commits);
  }
}

// One update as the bot makes it: read, change, commit with the job it causes (and the previous job done).
async function update(store: LowdbStore, id: string, round: number): Promise<number> {
  const app = (await store.getApplication(id))!;
  const at = new Date(FIRST_DAY + round * 1_000).toISOString();
  const next: Application = {
    ...app,
    rev: app.rev + 1,
    departments: app.departments.map((d) => ({ ...d, status: 'reviewing', at })),
    history: [...app.history, { at, actor: { type: 'department', id: 'tax', name: '税务局' }, action: 'start_review', department: 'tax' }],
  };
  const job = {
    id: `job-${round}`,
    kind: 'dingtalk.card.update' as const,
    key: `${id}:${next.rev}`,
    payload: { applicationId: id },
    attempts: 0,
    nextAt: 0,
    createdAt: 0,
  };
  const started = performance.now();
  await store.commit({ applications: [next], jobs: { put: [job], remove: [`job-${round - 1}`] } });
  return performance.now() - started;
}

interface Subject {
  n: number;
  dataDir: string;
  store: LowdbStore;
  seedS: number;
  openS: number;
  random: number[];
  recent: number[];
}

/** Figures of one store size: update latencies in ms. */
export interface StoreSizeFigures {
  n: number;
  seedS: number;
  openS: number;
  randomMedian: number;
  randomP90: number;
  recentMedian: number;
  recentP90: number;
  /** Median random update over the smallest size's. */
  ratio: number;
}

export interface StoreBenchResult {
  sizes: StoreSizeFigures[];
  docBytes: number;
  heapMb: number;
}

/**
 * Seeds every size first, then interleaves the measured updates across sizes so that a busy moment of
 * the machine does not fall on one size only.
 */
export async function runStoreBench(sizes: number[]): Promise<StoreBenchResult> {
  const subjects: Subject[] = [];
  let heapMb = 0;
  try {
    for (const n of sizes) subjects.push(await openSeeded(n));
    for (let round = 1; round <= UPDATES + RECENT_UPDATES; round++) {
      for (const subject of round % 2 ? subjects : [...subjects].reverse()) {
        const { n, store } = subject;
        if (round <= UPDATES) subject.random.push(await update(store, application(Math.floor(Math.random() * n)).id, round));
        else subject.recent.push(await update(store, application(n - 1 - Math.floor(Math.random() * Math.min(n, PER_DAY))).id, round));
      }
    }
    heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  } finally {
    for (const subject of subjects) {
      await subject.store.close();
      await rm(subject.dataDir, { recursive: true, force: true });
    }
  }
  const base = percentile(subjects[0]!.random, 50);
  return {
    sizes: subjects.map((row) => ({
      n: row.n,
      seedS: row.seedS,
      openS: row.openS,
      randomMedian: percentile(row.random, 50),
      randomP90: percentile(row.random, 90),
      recentMedian: percentile(row.recent, 50),
      recentP90: percentile(row.recent, 90),
      ratio: percentile(row.random, 50) / base,
    })),
    docBytes: Buffer.byteLength(JSON.stringify(application(0))),
    heapMb,
  };
}

/** A store with `n` applications, closed after seeding and opened again (the open is timed too). */
async function openSeeded(n: number): Promise<Subject> {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-bench-'));
  let store = openStore(dataDir);
  await store.open();
  let started = performance.now();
  await seed(store, n);
  const seedS = (performance.now() - started) / 1_000;
  await store.close();
  started = performance.now();
  store = openStore(dataDir);
  await store.open();
  console.error(`seeded N=${n}`);
  return { n, dataDir, store, seedS, openS: (performance.now() - started) / 1_000, random: [], recent: [] };
}

/** The store table, as printed by `npx tsx bench/store.ts`. */
export function formatStore(result: StoreBenchResult): string {
  const ms = (value: number) => value.toFixed(2).padStart(7);
  const lines = [
    `one application update (1 app + 1 outbox job per commit); documents of ${result.docBytes} bytes of JSON, ${PER_DAY} a day;`,
    `${UPDATES} updates of random applications, ${RECENT_UPDATES} of recent ones (the last day)`,
    `        N | seed s | open s | random median   p90 | recent median   p90 | ratio to N=${result.sizes[0]!.n}`,
  ];
  for (const row of result.sizes) {
    lines.push(
      `${String(row.n).padStart(9)} | ${row.seedS.toFixed(1).padStart(6)} | ${row.openS.toFixed(2).padStart(6)} | ` +
        `${ms(row.randomMedian)} ms ${ms(row.randomP90)} | ${ms(row.recentMedian)} ms ${ms(row.recentP90)} | ` +
        `${row.ratio.toFixed(2).padStart(8)}×`,
    );
  }
  lines.push(`heap used with all sizes loaded: ${result.heapMb.toFixed(0)} MB`);
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const result = await runStoreBench((process.argv[2] ?? '1000,10000,100000').split(',').map(Number));
  console.log(`\n${formatStore(result)}`);
}
