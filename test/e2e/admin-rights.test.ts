import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { fileHousingFund } from '../support/apply-flow.js';
import { startHarness, type Harness } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';

// admin-liu is a DingTalk org admin in config/sandbox/org.json (isAdmin: true on every message he sends).
const test = suite<{ h?: Harness }>('e2e: bot admin rights come only from ADMIN_USER_IDS');

test.after.each(async (ctx) => {
  await ctx.h?.close();
});

test("a DingTalk org admin who is not in ADMIN_USER_IDS cannot withdraw another citizen's application", async (ctx) => {
  const h = (ctx.h = await startHarness({ env: { ADMIN_USER_IDS: 'someone-else' } }));
  const zhang = new SimPlayer(h, 'citizen-zhang');
  const id = await fileHousingFund(zhang);
  const liu = new SimPlayer(h, 'admin-liu');
  await liu.say(`查询 ${id}`);
  await liu.say(`撤回 ${id}`);
  await liu.say(`确认撤回 ${id}`);
  const answers = liu.messages();
  assert.is(answers.length, 3);
  assert.ok(
    answers.every((m) => m.includes('未找到该办件')),
    `each is refused: ${answers.join(' | ')}`,
  );
  assert.throws(() => liu.card(), /no card yet/, 'no application card reached him');
  assert.is((await h.app.store.getApplication(id))?.status, 'submitted');
});

test('an ADMIN_USER_IDS user still can', async (ctx) => {
  const h = (ctx.h = await startHarness({ env: { ADMIN_USER_IDS: 'admin-liu' } }));
  const zhang = new SimPlayer(h, 'citizen-zhang');
  const id = await fileHousingFund(zhang);
  const liu = new SimPlayer(h, 'admin-liu');
  await liu.say(`查询 ${id}`);
  assert.is(liu.card().title, `办件 ${id}`);
  await liu.click('撤回申请');
  assert.is(liu.card().title, '确认撤回申请？');
  await liu.click('确认撤回');
  assert.is((await h.app.store.getApplication(id))?.status, 'withdrawn');
});

test.run();
