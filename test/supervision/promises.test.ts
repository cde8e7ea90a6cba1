// 容缺 follow-through in the bot on a fake clock: a promised material is due 10 working days after acceptance
// (template), the applicant is reminded the working day before, the department is warned once when it is
// missed, delivery is refused while it is open unless the back office waives it, and 补交 hands it in.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import { cardText, Player, texts, USERS } from '../support/bot-harness.js';
import { TimedBot } from '../support/timed-bot.js';

const test = suite<{ t: TimedBot }>('supervision: 容缺 promises');
const MISSED = '【电子监察·容缺逾期】';
let events = 0;

test.before.each(async (context) => {
  context.t = await TimedBot.create('2026-09-27T02:00:00Z');
});
test.after.each(async ({ t }) => {
  await t.close();
});

function bo(t: TimedBot, applicationId: string, status: BackofficeEvent['status'], extra: Partial<BackofficeEvent> = {}) {
  return t.h.backoffice({ eventId: `ev-${(events += 1)}`, applicationId, status, at: t.h.now.toISOString(), ...extra });
}

/** 个体工商户设立登记 with the 经营场所使用证明 promised, accepted Monday 9-28 (due 10 working days later: 10-16). */
async function acceptedWithPromise(t: TimedBot): Promise<string> {
  const p = new Player(t.h, 'zhang');
  await p.say('我要办 个体工商户设立登记');
  await p.click('不同意，自己填写上传');
  await p.say(USERS.zhang.name);
  await p.say(USERS.zhang.idCard);
  await p.click('跳过');
  for (const answer of ['小吃服务', '杭州市西湖区文三路100号', '13800000001']) await p.say(answer);
  await p.upload('身份证.jpg');
  await p.click('承诺后补（容缺）');
  await p.click('提交');
  const id = /^办件 (YC\d{8}-\d{4})$/.exec(p.card.title)?.[1];
  if (!id) throw new Error(`submission failed: ${p.card.title}`);
  await t.until('2026-09-28T02:00:00Z');
  await bo(t, id, 'accepted');
  await t.flush();
  return id;
}

test('reminds the applicant before the due day, warns the department once when missed, and blocks delivery', async ({ t }) => {
  const id = await acceptedWithPromise(t);
  const card = t.delivered.filter((d) => d.to === 'citizen-zhang' && d.card?.title === `办件 ${id}`).at(-1)!.card!;
  assert.ok(
    card.buttons?.some((b) => b.text === '补交材料'),
    'the application card offers 补交材料',
  );
  await t.until('2026-10-14T23:00:00Z');
  assert.equal(
    t.textsTo('citizen-zhang').filter((x) => x.startsWith('提醒：')),
    [],
  );
  await t.until('2026-10-15T01:00:00Z');
  const [reminder, ...more] = t.textsTo('citizen-zhang').filter((x) => x.startsWith('提醒：'));
  assert.equal(more, []);
  assert.match(reminder ?? '', `办件 ${id}（个体工商户设立登记）容缺受理时您承诺补交的材料即将到期：经营场所使用证明（2026年10月16日前）`);
  assert.match(reminder ?? '', `补交 ${id}`);

  await bo(t, id, 'completed');
  const refused = await bo(t, id, 'delivered', { result: { type: 'window' } });
  assert.equal(refused.status, 'illegal');
  assert.match((refused as { message: string }).message, '容缺承诺的材料尚未补交：经营场所使用证明');
  assert.is((await t.h.store.getApplication(id))?.status, 'approved');

  await t.until('2026-10-19T00:59:00Z');
  assert.equal(
    t.textsTo('reviewer-scjg').filter((x) => x.startsWith(MISSED)),
    [],
  );
  await t.restart();
  await t.until('2026-10-26T01:00:00Z');
  for (const userId of ['reviewer-scjg', 'reviewer-sw']) {
    const warnings = t.textsTo(userId).filter((x) => x.startsWith(MISSED));
    assert.is(warnings.length, 1, `one warning for ${userId}`);
    assert.match(warnings[0]!, `办件 ${id}（个体工商户设立登记）容缺承诺的材料逾期未补交：经营场所使用证明（应于2026年10月16日前补交）`);
    assert.match(warnings[0]!, '申请人：张三');
  }
});

test('补交 hands the promised material in; then delivery goes through', async ({ t }) => {
  const id = await acceptedWithPromise(t);
  const zhang = new Player(t.h, 'zhang');
  await zhang.say(`补交 ${id}`);
  assert.is(zhang.card.title, `补交材料 · ${id}`);
  assert.match(cardText(zhang.card), '**经营场所使用证明**（2026年10月16日前）');
  await zhang.say('好的');
  assert.match(cardText(zhang.card), '请直接发送照片或文件');
  const effects = await zhang.upload('盖章租赁合同.pdf');
  assert.match(texts(effects).join('\n'), `容缺承诺的材料已全部补交，办件 ${id} 将正常办理`);
  const app = await t.h.store.getApplication(id);
  assert.equal(app?.materials.find((m) => m.id === 'premises-proof')?.source, 'upload');
  assert.is(app?.history.at(-1)?.action, 'fulfil_promise');
  assert.is(app?.status, 'accepted', 'handing in does not move the status');
  const jobs = (await t.h.store.dueJobs(Number.MAX_SAFE_INTEGER, 1000)).filter((j) => j.kind === 'backoffice.supplement');
  assert.equal(
    jobs.map((j) => j.key),
    [`${id}:supplement:1`],
  );
  assert.equal(texts(await t.h.say('zhang', `补交 ${id}`)), [`办件 ${id} 当前没有需要补交的容缺材料。`]);

  await bo(t, id, 'completed');
  assert.equal(await bo(t, id, 'delivered', { result: { type: 'window' } }), { status: 'applied' });
  await t.until('2026-10-26T01:00:00Z');
  assert.equal(
    t.textsTo('reviewer-scjg').filter((x) => x.startsWith(MISSED)),
    [],
    'nothing missed',
  );
  assert.equal(
    t.textsTo('citizen-zhang').filter((x) => x.startsWith('提醒：')),
    [],
    'no reminder once handed in',
  );
  const update = effects.find((e) => e.type === 'card.update');
  assert.ok(
    update && update.type === 'card.update' && !update.card.buttons?.some((b) => b.text === '补交材料'),
    'the card no longer offers 补交材料',
  );
});

test('the back office may deliver with an open promise only by waiving it explicitly', async ({ t }) => {
  const id = await acceptedWithPromise(t);
  await bo(t, id, 'completed');
  assert.equal(await bo(t, id, 'delivered', { result: { type: 'window' }, waivedTolerance: true }), { status: 'applied' });
  const app = await t.h.store.getApplication(id);
  assert.is(app?.status, 'delivered');
  assert.match(app?.history.at(-1)?.note ?? '', '容缺材料经后台豁免：经营场所使用证明');
});

test.run();
