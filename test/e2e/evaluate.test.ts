import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { fileHousingFund } from '../support/apply-flow.js';
import { startHarness, waitFor, type Harness } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';

const evaluate = suite<{ h: Harness }>('e2e: 好差评 after delivery');

evaluate.before.each(async (ctx) => {
  ctx.h = await startHarness();
});
evaluate.after.each(async (ctx) => {
  await ctx.h.close();
});

/** Lets a webhook's effects (card update, message) reach the simulator. */
async function settled(h: Harness, delivery: Promise<{ status: number }>): Promise<void> {
  assert.is((await delivery).status, 200);
  await h.app.outbox.drain(5_000);
}

evaluate('delivered → 评价 → 满意 on the application card: the card shows 已评价 and the rating, without the button', async ({ h }) => {
  const zhang = new SimPlayer(h, 'citizen-zhang');
  const id = await fileHousingFund(zhang);
  const appCardId = zhang.card().id;
  await waitFor(() => h.backoffice.submissions.has(id), { what: 'the submission' });
  await settled(h, h.backoffice.accept(id));
  await settled(h, h.backoffice.decide(id, 'gjj', 'approved', '符合提取条件'));
  await settled(h, h.backoffice.complete(id));
  await settled(h, h.backoffice.deliver(id, { type: 'elicence', licenseNo: 'GJJ-2026-0001' }));
  const delivered = zhang.show(appCardId)!;
  assert.is(delivered.status, '已送达');
  assert.match(delivered.text, '欢迎对本次服务作出评价');

  await zhang.click('评价', delivered);
  const ask = zhang.card();
  assert.is(ask.title, '服务评价');
  assert.equal(
    ask.buttons.map((b) => b.text),
    ['非常满意', '满意', '基本满意', '不满意', '非常不满意'],
  );
  await zhang.click('满意', ask);

  const app = await h.app.store.getApplication(id);
  assert.equal([app?.status, app?.evaluation?.level], ['evaluated', 4]);
  const card = zhang.show(appCardId)!;
  assert.is(card.status, '已评价');
  assert.match(card.text, '评价**：满意');
  assert.match(card.text, '感谢您的评价');
  assert.not.ok(
    card.buttons.some((b) => b.text === '评价'),
    'the 评价 button is gone',
  );
  assert.is(zhang.show(ask.id)!.title, '感谢您的评价', 'the evaluation card turned into the thanks');
  assert.equal(h.dingtalk.botOutput({ userId: 'admin-liu' }), [], 'a good rating is not sent to the admins');
});

evaluate.run();
