import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { verify } from '../../src/backoffice/signature.js';
import { ADMIN_TOKEN, BACKOFFICE_SECRET, startHarness, waitFor, type Harness } from '../support/harness.js';
import { fileIndividualBusiness } from '../support/apply-flow.js';
import { SimPlayer } from '../support/sim-player.js';

const backoffice = suite<{ h: Harness; li: SimPlayer; id: string }>('e2e: the back office reviews, the chat follows');

backoffice.before.each(async (ctx) => {
  ctx.h = await startHarness();
  ctx.li = new SimPlayer(ctx.h, 'citizen-li');
  ctx.id = await fileIndividualBusiness(ctx.li);
});
backoffice.after.each(async (ctx) => {
  await ctx.h.close();
});

/** Lets a webhook's effects (card update, message) reach the simulator. */
async function settled(h: Harness, delivery: Promise<{ status: number }>): Promise<void> {
  assert.is((await delivery).status, 200);
  await h.app.outbox.drain(5_000);
}

backoffice(
  'submit → one signed POST → two departments approve at different times → completed → delivered with an e-licence',
  async ({ h, li, id }) => {
    await waitFor(() => h.backoffice.submissions.size === 1, { what: 'the submission' });
    const posts = h.backoffice.calls.filter((call) => call.path === '/applications');
    assert.is(posts.length, 1, 'exactly one POST');
    const received = h.backoffice.submissions.get(id)!;
    assert.is(received.headers['idempotency-key'], id);
    // The bot signs JSON.stringify(body); re-serialising the parsed body gives the same bytes.
    assert.is(verify(BACKOFFICE_SECRET, received.headers, JSON.stringify(received.body), Date.now()).status, 'valid');
    assert.is(verify('another-secret', received.headers, JSON.stringify(received.body), Date.now()).status, 'invalid');
    assert.equal(received.body.departments, ['scjg', 'sw']);

    const appCardId = li.card().id;
    await settled(h, h.backoffice.accept(id));
    assert.is(li.show(appCardId)!.status, '已受理');
    assert.match(li.show(appCardId)!.text, /承诺办结\*\*：\d{4}年\d{1,2}月\d{1,2}日前/);

    await settled(h, h.backoffice.decide(id, 'scjg', 'approved', '符合条件'));
    assert.match(li.show(appCardId)!.text, '市场监督管理局：已同意');
    assert.match(li.show(appCardId)!.text, '税务局：待审');
    await settled(h, h.backoffice.decide(id, 'sw', 'approved'));
    assert.match(li.show(appCardId)!.text, '税务局：已同意');
    assert.is((await h.app.store.getApplication(id))?.status, 'approved');

    await settled(h, h.backoffice.complete(id));
    const result = { type: 'elicence' as const, licenseNo: 'ZJ202611280001', url: 'https://licence.example.gov.cn/ZJ202611280001' };
    // The 经营场所使用证明 was promised (容缺): delivery waits until it is handed in.
    const refused = await h.backoffice.deliver(id, result);
    assert.is(refused.status, 409);
    assert.match(JSON.stringify(refused.body), '容缺承诺的材料尚未补交：经营场所使用证明');
    await li.say(`补交 ${id}`);
    await li.upload('租赁合同.pdf');
    await waitFor(() => h.backoffice.supplements.length === 1, { what: 'the hand-in at the back office' });
    assert.equal(h.backoffice.supplements[0]!.body.materials.find((m) => m.id === 'premises-proof')?.source, 'upload');
    await settled(h, h.backoffice.deliver(id, result));
    const final = li.show(appCardId)!;
    assert.is(final.status, '已送达');
    assert.match(final.text, 'ZJ202611280001');
    assert.match(final.text, 'licence.example.gov.cn');
    const updates = h.dingtalk.calls.filter(
      (c) => c.method === 'PUT' && c.path === '/v1.0/card/instances' && (c.body as { outTrackId: string }).outTrackId === appCardId,
    );
    assert.ok(updates.length >= 4, 'the card was updated in place at every change (complete after approval changes nothing)');
    assert.is(li.card().id, appCardId, 'no new application card was sent');
    assert.ok(
      li.messages().some((m) => m.includes('市场监督管理局已同意')),
      'a short message for each change',
    );
  },
);

backoffice("a department rejects: the application is rejected with that department's reason", async ({ h, li, id }) => {
  await settled(h, h.backoffice.accept(id));
  await settled(h, h.backoffice.decide(id, 'scjg', 'approved'));
  await settled(h, h.backoffice.decide(id, 'sw', 'rejected', '经营范围含需前置审批项目，请先取得相关许可'));
  const app = await h.app.store.getApplication(id);
  assert.is(app?.status, 'rejected');
  assert.match(li.card().text, '经营范围含需前置审批项目');
  assert.ok(li.messages().some((m) => m.includes('经营范围含需前置审批项目')));
});

backoffice('supplement: every missing item in one message, supplied in the chat, forwarded, review resumes', async ({ h, li, id }) => {
  await settled(h, h.backoffice.accept(id));
  const before = h.dingtalk.botOutput({ userId: 'citizen-li' }).length;
  await settled(
    h,
    h.backoffice.requireSupplement(
      id,
      [
        { name: '经营场所使用证明', reason: '请上传租赁合同' },
        { name: '经营者照片', reason: '请上传近期免冠照片' },
      ],
      'sw',
    ),
  );
  const told = h.dingtalk
    .botOutput({ userId: 'citizen-li' })
    .slice(before)
    .filter((out) => out.via === 'card.create');
  assert.is(told.length, 1, 'one message names every missing item');
  const notice = li.show(told[0]!.outTrackId!)!;
  assert.match(notice.text, '经营场所使用证明');
  assert.match(notice.text, '经营者照片');
  assert.is((await h.app.store.getApplication(id))?.status, 'supplement_required');

  await li.upload('租赁合同.pdf');
  await li.upload('免冠照片.jpg');
  await li.click('确认提交');
  await waitFor(() => h.backoffice.supplements.length === 1, { what: 'the supplement at the back office' });
  assert.is(h.backoffice.supplements[0]!.applicationId, id);
  assert.is((await h.app.store.getApplication(id))?.status, 'in_review');
  await settled(h, h.backoffice.decide(id, 'scjg', 'approved'));
  await settled(h, h.backoffice.decide(id, 'sw', 'approved'));
  assert.is((await h.app.store.getApplication(id))?.status, 'approved');
});

backoffice('withdraw while in review: confirmed in the chat, the back office is told once', async ({ h, li, id }) => {
  await settled(h, h.backoffice.accept(id));
  await settled(h, h.backoffice.decide(id, 'scjg', 'approved'));
  const appCardId = (await h.app.store.getApplication(id))!.channel.cardId!;
  await li.click('撤回申请', li.show(appCardId)!);
  await li.click('确认撤回');
  assert.is((await h.app.store.getApplication(id))?.status, 'withdrawn');
  assert.is(li.show(appCardId)!.status, '已撤回', 'the click updated the application card in place');
  await waitFor(() => h.backoffice.withdrawals.has(id), { what: 'the withdrawal at the back office' });
  assert.is(h.backoffice.calls.filter((c) => c.path.endsWith('/withdraw')).length, 1);
  const late = await h.backoffice.sendEvent({ applicationId: id, status: 'department_approved', department: 'sw' });
  assert.is(late.status, 409, 'a decision after the withdrawal is refused');
});

backoffice('a submission the back office refuses for good is explained to the applicant, and an admin can retry it', async ({ h }) => {
  const wang = new SimPlayer(h, 'citizen-wang');
  h.backoffice.failNext(1, 422);
  await wang.say('我要办 公积金提取');
  await wang.click('不同意，自己填写上传');
  await wang.say('王芳');
  await wang.say('330105199202053544');
  await wang.click('租赁自住住房');
  await wang.say('5000');
  await wang.say('6222021234567890128');
  await wang.say('13800000003');
  await wang.upload('身份证.jpg');
  for (let i = 0; i < 6 && !wang.card().title.includes('核对信息'); i += 1) await wang.click('不提供');
  await wang.click('提交');
  const id = wang.card().title.slice(3);
  await waitFor(async () => (await h.app.store.deadJobs()).length === 1, { what: 'the dead submission' });
  await h.app.outbox.drain(5_000);
  const told = wang.messages().find((m) => m.includes('未能送达审批部门'));
  assert.ok(told, 'the applicant is told');
  assert.match(told!, id);
  assert.match(told!, '模拟的后台故障');

  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const dead = (await (await fetch(`${h.app.url}/api/outbox/dead`, { headers: auth })).json()) as { items: { id: string; key: string }[] };
  assert.equal(
    dead.items.map((job) => job.key),
    [id],
  );
  const retried = await fetch(`${h.app.url}/api/outbox/dead/${dead.items[0]!.id}/retry`, { method: 'POST', headers: auth });
  assert.is(retried.status, 200);
  await waitFor(() => h.backoffice.submissions.has(id), { what: 'the retried submission' });
  assert.is((await h.app.store.deadJobs()).length, 0);
});

backoffice.run();
