import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { loadMattersOrThrow } from '../../src/config-files.js';
import { templateChanges } from '../../src/domain/template-diff.js';
import type { Matter } from '../../src/domain/types.js';
import type { Store } from '../../src/store/store.js';
import { type ChangeContext, publishDraft, saveDraft } from '../../src/templates/matter-admin.js';
import { applyRecords, importPlan, loadCatalogue, seedRecords } from '../../src/templates/seed.js';
import { tempStore } from '../support/backoffice-store.js';
import { suite } from '../support/suite.js';

const test = suite('templates in the store: seed once, import on purpose, versions');

let files: Matter[];
let store: Store;
let remove: () => Promise<void>;
let ids = 0;
const change = (): ChangeContext => ({
  now: 1_767_000_000_000 + ids,
  actor: { type: 'admin', id: 'admin-liu' },
  newId: () => `audit-${(ids += 1)}`,
});

test.before(async () => {
  files = await loadMattersOrThrow(fileURLToPath(new URL('../../config/matters', import.meta.url)));
});
test.before.each(async () => {
  const temp = await tempStore(() => 1_767_000_000_000);
  store = await temp.open();
  remove = async () => {
    await store.close();
    await temp.remove();
  };
});
test.after.each(async () => {
  await remove();
});

const commit = async (records: Parameters<typeof applyRecords>[1]) => store.commit({ records: { put: [...records] } });

test('seeds an empty store once; a second seed with changed files adds nothing', async () => {
  await commit(await seedRecords(store, files, change()));
  const catalogue = await loadCatalogue(store);
  assert.equal(
    catalogue.list().map((m) => m.id),
    files.map((m) => m.id),
    'catalogue order is the file order',
  );
  const edited = files.map((m) => (m.id === 'enterprise-setup' ? { ...m, name: '企业开办（新）' } : m));
  assert.equal(await seedRecords(store, edited, change()), []);
  assert.is((await loadCatalogue(store)).get('enterprise-setup')!.name, '企业开办');
});

test('import says what changes, and applying it publishes a new version while the old one stays readable', async () => {
  await commit(await seedRecords(store, files, change()));
  const fund = files.find((m) => m.id === 'housing-fund-withdrawal')!;
  const edited = files.map((m) => (m === fund ? { ...m, timeLimit: { ...m.timeLimit, promisedDays: 2 } } : m));
  const plan = await importPlan(store, edited, change());
  const changed = plan.lines.filter((l) => l.change !== 'unchanged');
  assert.equal(changed, [{ id: fund.id, name: fund.name, change: 'changed', version: 3, summary: ['承诺时限：1个工作日 → 2个工作日'] }]);
  const catalogue = await loadCatalogue(store);
  await commit(plan.records);
  applyRecords(catalogue, plan.records);
  assert.is(catalogue.get(fund.id)!.timeLimit.promisedDays, 2);
  assert.is(catalogue.at(fund.id, 2)!.timeLimit.promisedDays, 1, 'v2 is kept for the applications filed under it');
  assert.equal((await importPlan(store, edited, change())).records, [], 'importing again changes nothing');
});

test('a draft keeps its number across edits; publishing it makes it current and logs who did what', async () => {
  await commit(await seedRecords(store, files, change()));
  const current = files.find((m) => m.id === 'newborn-registration')!;
  for (const days of [4, 5]) {
    const draft = await saveDraft(
      store,
      current.id,
      { ...current, timeLimit: { ...current.timeLimit, promisedDays: Math.min(days, current.timeLimit.legalDays) } },
      change(),
    );
    assert.is(draft.status, 'ok');
    if (draft.status === 'ok') {
      assert.is(draft.matter.version, current.version + 1);
      await commit(draft.records);
    }
  }
  const published = await publishDraft(store, current.id, change());
  assert.is(published.status, 'ok');
  if (published.status !== 'ok') return;
  await commit(published.records);
  assert.equal(published.head.versions, [current.version, current.version + 1]);
  assert.is(published.head.draft, undefined);
  assert.equal(published.summary, templateChanges(current, published.matter));
  const log = await store.findRecords<{ action: string; actor: { id: string } }>('audit', { tags: { matter: current.id } });
  assert.equal(
    log.items.map((r) => r.data.action),
    ['publish', 'draft', 'draft', 'seed'],
  );
  assert.is(log.items[0]!.data.actor.id, 'admin-liu');
});

test.run();
