// Times one /api/statistics computation (loadStatistics, by matter) on a lowdb store of generated applications, for
// the last 30 days and for the whole year up to today, two ways in the same run: from the applications' light facts
// (Store.applicationFacts, as the route computes now) and from every whole document (findApplications({}), as it
// did before); checks both give the same figures, and prints the medians.
//   npx tsx bench/generate-applications.ts /tmp/stats-100k 100000   # once (or a copy of /tmp/apps-100k)
//   npx tsx bench/statistics.ts [dataDir=/tmp/stats-100k] [runs=5] [runsBefore=3]
import { performance } from 'node:perf_hooks';
import * as assert from 'node:assert/strict';
import { loadOpenCases, loadStatistics, type StatisticsSource } from '../src/admin/statistics-routes.js';
import { ROOT_DIR } from '../src/app.js';
import { loadMattersOrThrow } from '../src/config-files.js';
import { createHolidayCalendar } from '../src/domain/holiday-calendar.js';
import { sensitiveFieldKeys } from '../src/domain/sensitive-fields.js';
import { createStore } from '../src/store/create-store.js';
import { DataCipher } from '../src/store/data-cipher.js';
import { computeStatistics, defaultRange, type Statistics } from '../src/supervision/statistics.js';
import { BENCH_DATA_KEY } from './bot-process.js';
import { fixed, percentile } from './stats.js';

const [dataDir = '/tmp/stats-100k', runsArg = '5', runsBeforeArg = '3'] = process.argv.slice(2);
const runs = Number(runsArg);
const runsBefore = Number(runsBeforeArg);

const matters = await loadMattersOrThrow(`${ROOT_DIR}/config/matters`);
const sensitive = new Map(matters.map((m) => [`${m.id}@${m.version}`, sensitiveFieldKeys(m)]));
const store = createStore(
  { dataDir },
  { cipher: new DataCipher({ current: BENCH_DATA_KEY }), sensitive: (matter) => sensitive.get(`${matter.id}@${matter.version}`) },
);
let started = performance.now();
await store.open();
const opened = (performance.now() - started) / 1000;
const rss = process.memoryUsage().rss / 2 ** 20;
const clock = { now: () => Date.now() };
const source: StatisticsSource = { store, matters, calendar: createHolidayCalendar(), clock };
const count = (await store.applicationFacts({})).length;

// Before: every whole document read, the figures computed from them (loadStatistics as it was).
async function before(range: { from: string; to: string }): Promise<Statistics> {
  const applications = (await store.findApplications({})).items;
  const openCases = await loadOpenCases(store);
  const now = new Date(clock.now());
  return computeStatistics({ applications, matters, calendar: source.calendar, now, openCases, ...range, by: 'matter' });
}

const today = defaultRange(new Date(clock.now())).to;
const ranges = [
  { name: '30 days', ...defaultRange(new Date(clock.now())) },
  { name: 'whole year', from: `${today.slice(0, 4)}-01-01`, to: today },
];

async function time(label: string, work: () => Promise<Statistics>, times: number): Promise<{ median: number; result: Statistics }> {
  const seconds: number[] = [];
  let result: Statistics | undefined;
  for (let i = 0; i < times; i++) {
    started = performance.now();
    result = await work();
    seconds.push((performance.now() - started) / 1000);
    console.error(`${label}: ${fixed(seconds.at(-1)!, 2)} s`);
  }
  return { median: percentile(seconds, 50), result: result! };
}

console.log(
  `${count} applications in ${dataDir}, opened in ${fixed(opened, 1)} s (RSS ${fixed(rss, 0)} MB); medians of ${runs} runs (before: ${runsBefore})`,
);
console.log('| range | received | after: light facts | before: whole documents | speed-up |');
console.log('|---|---:|---:|---:|---:|');
for (const range of ranges) {
  const after = await time(`${range.name}, after`, () => loadStatistics(source, { from: range.from, to: range.to }), runs);
  const old = await time(`${range.name}, before`, () => before(range), runsBefore);
  // The same figures both ways (the time of "now" moved between them: a warning may tip over at 09:00).
  const figures = (s: Statistics) => [s.total, ...s.groups].map((f) => ({ ...f, openWarnings: 0 }));
  assert.deepEqual(figures(after.result), figures(old.result));
  console.log(
    `| ${range.name} (${range.from} … ${range.to}) | ${after.result.total.received} | ${fixed(after.median * 1000, 0)} ms | ${fixed(old.median, 1)} s | ${fixed(old.median / after.median, 0)} × |`,
  );
}
await store.close();
