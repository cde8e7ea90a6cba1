// Writes a lowdb store with `count` realistic applications (办件), every one taken through its life by the
// domain's createApplication/transition and committed through the Store API. Each is committed once, in its final
// state, as rev 1 (as if imported): the store only asks rev = stored + 1, and committing every revision
// rewrites every bucket file once per revision (100,000 took 9 minutes that way on the loaded 2-core machine).
// Used by bench/inbound.ts --preload; also a CLI:
//   npx tsx bench/generate-applications.ts <dataDir> <count>
import { performance } from 'node:perf_hooks';
import { ROOT_DIR } from '../src/app.js';
import { createApplication, transition } from '../src/domain/application.js';
import type { ApplicationEvent } from '../src/domain/application-events.js';
import { loadMattersOrThrow } from '../src/config-files.js';
import type { Actor, Application, ApplicationStatus, MaterialSpec, MaterialSubmission, Matter, MatterField } from '../src/domain/types.js';
import { sensitiveFieldKeys } from '../src/domain/sensitive-fields.js';
import { createStore } from '../src/store/create-store.js';
import { DataCipher } from '../src/store/data-cipher.js';
import type { Store } from '../src/store/store.js';
import { BENCH_DATA_KEY } from './bot-process.js';
import { isMain } from './stats.js';

/** Applicants are bench-user-0001 … — the same people bench/inbound.ts sends messages from. */
export const benchUserId = (index: number) => `bench-user-${String(index + 1).padStart(4, '0')}`;

const PER_DAY = 1_000;
const DAYS_AT_ONCE = 10;
const APPLICANTS = 5_000;
const DAY_MS = 24 * 3600_000;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '军'];

// Where applications end up, in parts per 100: most are finished, as in a store that has run for months.
const OUTCOMES: Array<[ApplicationStatus, number]> = [
  ['submitted', 4],
  ['accepted', 4],
  ['supplement_required', 4],
  ['in_review', 14],
  ['approved', 8],
  ['delivered', 20],
  ['evaluated', 28],
  ['rejected', 6],
  ['not_accepted', 4],
  ['withdrawn', 8],
];

/** Creates `dataDir` (or adds to it) with `count` applications; resolves with the seconds it took. */
export async function generateApplications(dataDir: string, count: number, now = Date.now()): Promise<{ seconds: number }> {
  const started = performance.now();
  const matters = await loadMattersOrThrow(`${ROOT_DIR}/config/matters`);
  // Sealed as the bot seals (DATA_KEY, the templates' sensitive fields), so the bot reads what production reads.
  const sensitive = new Map(matters.map((m) => [`${m.id}@${m.version}`, sensitiveFieldKeys(m)]));
  const store = createStore(
    { dataDir },
    {
      cipher: new DataCipher({ current: BENCH_DATA_KEY }),
      sensitive: (matter) => sensitive.get(`${matter.id}@${matter.version}`),
    },
  );
  await store.open();
  try {
    const days = Math.ceil(count / PER_DAY);
    // Several days at once: their commits meet in the store's queue and are written as one batch.
    for (let wave = 0; wave < days; wave += DAYS_AT_ONCE) {
      const generating: Promise<void>[] = [];
      for (let day = wave; day < Math.min(days, wave + DAYS_AT_ONCE); day += 1) {
        const first = day * PER_DAY;
        generating.push(generateDay(store, matters, now - (days - day + 1) * DAY_MS, first, Math.min(PER_DAY, count - first)));
      }
      await Promise.all(generating);
      console.error(`generated ${Math.min(count, (wave + DAYS_AT_ONCE) * PER_DAY)} of ${count} applications`);
    }
  } finally {
    await store.close();
  }
  return { seconds: (performance.now() - started) / 1_000 };
}

/** One day's applications (numbered by the store, in China time), in one commit. */
async function generateDay(store: Store, matters: Matter[], dayStart: number, first: number, count: number): Promise<void> {
  const day = new Date(dayStart + 8 * 3600_000).toISOString().slice(0, 10);
  const ids = await Promise.all(Array.from({ length: count }, () => store.nextApplicationId(day)));
  const applications = ids.map((id, i) => ({
    ...life(id, matters[(first + i) % matters.length]!, first + i, dayStart + i * 30_000),
    rev: 1,
  }));
  await store.commit({ applications });
}

/** One application taken from draft along the path to its outcome (`rev` counts the transitions). */
function life(id: string, matter: Matter, index: number, createdAt: number): Application {
  const userId = benchUserId(index % APPLICANTS);
  const name = personName(index);
  let app = createApplication({
    id,
    matter,
    applicant: { userId, name },
    channel: { conversationId: `cid-bench-${userId}`, conversationType: 'single', cardId: `yc-bench-${index}` },
    fields: Object.fromEntries(matter.fields.map((field) => [field.key, fieldValue(field, index, name)])),
    materials: matter.materials.map((material, m) => materialOf(material, index, m)),
    now: new Date(createdAt),
  });
  let at = createdAt;
  for (const [event, actor] of pathTo(outcome(index), matter, userId)) {
    at += 47 * 60_000;
    const result = transition(app, event, { now: new Date(at), actor });
    if (result.status !== 'ok') throw new Error(`${id}: ${event.kind} refused: ${result.message}`);
    app = result.application;
  }
  return app;
}

function outcome(index: number): ApplicationStatus {
  let slot = (index * 37) % 100;
  for (const [status, share] of OUTCOMES) {
    if (slot < share) return status;
    slot -= share;
  }
  return 'evaluated';
}

/** The events that take a new application to `status`, with who causes each one. */
function pathTo(status: ApplicationStatus, matter: Matter, userId: string): Array<[ApplicationEvent, Actor]> {
  const applicant: Actor = { type: 'applicant', id: userId };
  const office: Actor = { type: 'backoffice', id: 'backoffice' };
  const departments = matter.departments.map((d) => d.id);
  const accept: Array<[ApplicationEvent, Actor]> = [[{ kind: 'accept', deadline: '2026-12-31' }, office]];
  const review: Array<[ApplicationEvent, Actor]> = departments.map((department) => [
    { kind: 'start_review', department },
    { type: 'department', id: department },
  ]);
  const approve: Array<[ApplicationEvent, Actor]> = departments.map((department) => [
    { kind: 'department_approve', department, comment: '材料齐全，准予许可' },
    { type: 'department', id: department },
  ]);
  const deliver: [ApplicationEvent, Actor] = [
    // Promised materials (容缺) are left open here, so the back office waives them explicitly, as it may.
    { kind: 'deliver', result: { type: 'elicence', licenseNo: `ZJ${userId.slice(-4)}2026` }, waiveTolerance: true },
    office,
  ];
  const steps: Record<ApplicationStatus, Array<[ApplicationEvent, Actor]>> = {
    draft: [],
    submitted: [],
    accepted: accept,
    supplement_required: [
      [{ kind: 'require_supplement', missing: [{ name: '经营场所使用证明', reason: '租赁合同缺少出租方签字' }] }, office],
    ],
    in_review: [...accept, ...review],
    approved: [...accept, ...review, ...approve],
    delivered: [...accept, ...review, ...approve, deliver],
    evaluated: [...accept, ...review, ...approve, deliver, [{ kind: 'evaluate', level: 5, comment: '办事很方便，一次都没跑' }, applicant]],
    rejected: [
      ...accept,
      ...review,
      [
        { kind: 'department_reject', department: departments[0]!, reason: '经营范围涉及前置许可，请先取得许可证' },
        { type: 'department', id: departments[0]! },
      ],
    ],
    not_accepted: [[{ kind: 'not_accept', reason: '不属于本窗口受理范围' }, office]],
    withdrawn: [[{ kind: 'withdraw', reason: '信息填写有误，重新申请' }, applicant]],
  };
  return [[{ kind: 'submit' }, applicant], ...steps[status]];
}

function personName(index: number): string {
  return `${SURNAMES[index % SURNAMES.length]}${GIVEN[Math.floor(index / 10) % GIVEN.length]}${GIVEN[Math.floor(index / 100) % GIVEN.length]}`;
}

function fieldValue(field: MatterField, index: number, name: string): string {
  const n = String(index).padStart(6, '0');
  switch (field.type) {
    case 'idcard':
      return `33010619${80 + (index % 20)}0${(index % 9) + 1}1${index % 10}${n.slice(-3)}${index % 10}`;
    case 'phone':
      return `138${n.padStart(8, '0')}`;
    case 'uscc':
      return `91330106MA${n}X${index % 10}`;
    case 'address':
      return `浙江省杭州市西湖区文三路 ${(index % 500) + 1} 号 ${(index % 9) + 1} 幢 ${(index % 30) + 101} 室`;
    case 'date':
      return `2026-${String((index % 12) + 1).padStart(2, '0')}-${String((index % 28) + 1).padStart(2, '0')}`;
    case 'number':
      return String(((index * 7919) % 100_000) + 100);
    case 'enum':
      return field.options?.[index % field.options.length] ?? '其他';
    default:
      return field.key.toLowerCase().includes('name') ? name : `${field.label}：${name}${n}`;
  }
}

function materialOf(material: MaterialSpec, index: number, position: number): MaterialSubmission {
  if (material.elicence)
    return { id: material.id, name: material.name, source: 'elicence', ref: `EL${index}-${position}`, origin: '浙江省电子证照库' };
  if (material.tolerance && index % 3 === 0)
    return { id: material.id, name: material.name, source: 'promised', ref: `promise-${index}-${position}` };
  return { id: material.id, name: material.name, source: 'upload', ref: `media-${index}-${position}`, fileName: `${material.name}.pdf` };
}

if (isMain(import.meta.url)) {
  const [dataDir, count] = [process.argv[2], Number(process.argv[3] ?? 100_000)];
  if (!dataDir || !Number.isInteger(count) || count < 1) {
    console.error('usage: npx tsx bench/generate-applications.ts <dataDir> <count>');
    process.exit(2);
  }
  const { seconds } = await generateApplications(dataDir, count);
  console.log(`${count} applications written to ${dataDir} in ${seconds.toFixed(1)} s`);
}
