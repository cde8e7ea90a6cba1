import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { evaluationCard } from '../../cards/evaluation-card.js';
import type { Card } from '../../cards/card.js';
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import type { Effect } from '../../src/bot/effects.js';
import { renderFallbackMarkdown } from '../../src/dingtalk/render.js';
import { BotHarness, buttonOf, cardText, lastCard, sends, submitIndividualBusiness, texts, USERS } from '../support/bot-harness.js';
import { assertGolden } from '../support/golden.js';

const test = suite('handlers: 好差评');

const NOT_FOUND = '未找到该办件，请核对办件编号（如 YC20260105-0001）';

let h: BotHarness;
let events = 0;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

async function backoffice(applicationId: string, status: BackofficeEvent['status'], extra: Partial<BackofficeEvent> = {}): Promise<void> {
  const outcome = await h.backoffice({
    eventId: `ev-${(events += 1)}`,
    applicationId,
    status,
    at: h.now.toISOString(),
    ...extra,
  } as BackofficeEvent);
  assert.equal(outcome, { status: 'applied' });
}

/** 个体工商户设立登记 for zhang, accepted, completed and delivered as an e-licence. */
async function delivered(): Promise<string> {
  const id = await submitIndividualBusiness(h, 'zhang');
  await backoffice(id, 'accepted');
  await backoffice(id, 'completed');
  await backoffice(id, 'delivered', { result: { type: 'elicence', licenseNo: 'GT330106-0001' } });
  return id;
}

/** The application card as 查询 shows it, and the id of the card the bot keeps updating. */
async function applicationCardOf(id: string): Promise<{ card: Card; cardId: string }> {
  const { card } = lastCard(await h.say('zhang', `查询 ${id}`));
  return { card, cardId: (await h.store.getApplication(id))!.channel.cardId! };
}

/** Clicks 评价 on the application card; returns the evaluation card. */
async function openEvaluation(id: string): Promise<{ card: Card; cardId: string }> {
  const app = await applicationCardOf(id);
  return lastCard(await h.click('zhang', app.cardId, buttonOf(app.card, '评价')));
}

function updates(effects: Effect[]): Extract<Effect, { type: 'card.update' }>[] {
  return effects.filter((e): e is Extract<Effect, { type: 'card.update' }> => e.type === 'card.update');
}

test('the evaluation card offers the five levels, best first, each with its text command', async () => {
  const id = await delivered();
  const card = evaluationCard((await h.store.getApplication(id))!);
  assert.equal(
    card.buttons?.map((b) => [b.text, b.action, b.params?.level, b.command]),
    [
      ['非常满意', 'evaluate.rate', '5', `评价 ${id} 5`],
      ['满意', 'evaluate.rate', '4', `评价 ${id} 4`],
      ['基本满意', 'evaluate.rate', '3', `评价 ${id} 3`],
      ['不满意', 'evaluate.rate', '2', `评价 ${id} 2`],
      ['非常不满意', 'evaluate.rate', '1', `评价 ${id} 1`],
    ],
  );
  assert.match(cardText(card), '您对本次办理满意吗？');
  assertGolden('evaluation', evaluationCard({ ...(await h.store.getApplication(id))!, id: 'YC20260105-0001' }));
});

test('非常满意 after delivery records the evaluation, updates the application card in place and thanks on the clicked card', async () => {
  const id = await delivered();
  const before = await applicationCardOf(id);
  assert.equal(
    before.card.buttons?.map((b) => b.text),
    ['评价'],
    'the 评价 button is offered after delivery',
  );
  const ask = await openEvaluation(id);
  assert.is(ask.card.title, '服务评价');
  const effects = await h.click('zhang', ask.cardId, buttonOf(ask.card, '非常满意'));
  const app = await h.store.getApplication(id);
  assert.is(app?.status, 'evaluated');
  assert.is(app?.evaluation?.level, 5);
  const [appCard, thanks] = updates(effects);
  assert.is(appCard?.cardId, before.cardId);
  assert.is(appCard?.card.status?.text, '已评价');
  assert.match(cardText(appCard!.card), '评价：非常满意');
  assert.not.ok(
    appCard?.card.buttons?.some((b) => b.text === '评价'),
    'the 评价 button is gone',
  );
  assert.is(thanks?.cardId, ask.cardId);
  assert.is(thanks?.card.title, '感谢您的评价');
  assert.equal(sends(effects), [], 'nothing else is sent (no admin notice for a good rating)');
});

test('非常不满意 asks for the reason, then records it and tells every admin one-to-one', async () => {
  const id = await delivered();
  const ask = await openEvaluation(id);
  const prompt = lastCard(await h.click('zhang', ask.cardId, buttonOf(ask.card, '非常不满意')));
  assert.is(prompt.card.title, '请说明不满意的原因');
  assert.is((await h.store.getApplication(id))?.evaluation, undefined, 'nothing is recorded before the reason');

  const tooLong = lastCard(await h.say('zhang', '慢'.repeat(201)));
  assert.match(cardText(tooLong.card), '原因请在200字以内（现在201字）');
  const reason = '电子证照[点此](http://evil.example) 迟迟打不开 @all';
  const effects = await h.say('zhang', reason);
  const app = await h.store.getApplication(id);
  assert.equal([app?.status, app?.evaluation?.level, app?.evaluation?.comment], ['evaluated', 1, reason]);
  assert.match(app?.history.at(-1)?.note ?? '', reason, 'the reason is in the history note');

  const admin = sends(effects).filter((e) => e.to.kind === 'user' && e.to.userId === USERS.admin.userId);
  assert.is(admin.length, 1);
  assert.is(
    admin[0]!.message.text,
    `差评提醒：办件 ${id}（个体工商户设立登记）获评“非常不满意”。原因：${reason}。请核实整改并回访申请人。`,
  );
  const [appCard, thanks] = updates(effects);
  assert.match(cardText(appCard!.card), '评价：非常不满意（电子证照');
  assert.is(thanks?.cardId, ask.cardId, 'the evaluation card turns into the thanks');
  assert.match(texts(effects).find((t) => t.startsWith('感谢')) ?? '', '转交负责人核实整改');

  // What DingTalk shows of the 查询 card (fields rows and the timeline) has the reason escaped.
  const shown = renderFallbackMarkdown(lastCard(await h.say('zhang', `查询 ${id}`)).card).msgParam.text ?? '';
  assert.match(shown, '评价**：非常不满意（电子证照［点此］（http://evil.example） 迟迟打不开 ＠all）');
  assert.match(
    shown,
    '评价：非常不满意（电子证照［点此］（http://evil.example）',
    'the timeline names the rating by its word, reason escaped',
  );
  assert.not.match(shown, '[点此](');
  assert.not.match(shown, '@all');
});

test('跳过 records a 差评 without a reason; 取消 records nothing', async () => {
  const id = await delivered();
  const ask = await openEvaluation(id);
  await h.click('zhang', ask.cardId, buttonOf(ask.card, '不满意'));
  assert.match(texts(await h.say('zhang', '取消'))[0] ?? '', '已取消本次评价');
  assert.is((await h.store.getApplication(id))?.evaluation, undefined);
  const prompt = lastCard(await h.click('zhang', ask.cardId, buttonOf(ask.card, '不满意')));
  const effects = await h.click('zhang', prompt.cardId, buttonOf(prompt.card, '跳过'));
  assert.equal((await h.store.getApplication(id))?.evaluation?.level, 2);
  assert.match(
    sends(effects).find((e) => e.to.kind === 'user' && e.to.userId === USERS.admin.userId)?.message.text ?? '',
    '原因：申请人未说明',
  );
});

test("evaluation before delivery is refused with the state machine's reason, and the card offers no 评价", async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  assert.equal(texts(await h.say('zhang', `评价 ${id} 5`)), ['办理结束后才能评价']);
  await backoffice(id, 'accepted');
  await backoffice(id, 'completed');
  assert.equal(texts(await h.say('zhang', `评价 ${id}`)), ['办理结束后才能评价']);
  assert.not.ok((await applicationCardOf(id)).card.buttons?.some((b) => b.text === '评价'));
  assert.is((await h.store.getApplication(id))?.evaluation, undefined);
});

test('after a rejection the evaluation is recorded and the status still shows the refusal', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  await backoffice(id, 'accepted');
  await backoffice(id, 'department_rejected', { department: 'sw', comment: '经营范围含禁止项目' });
  const ask = await openEvaluation(id);
  const effects = await h.click('zhang', ask.cardId, buttonOf(ask.card, '基本满意'));
  const app = await h.store.getApplication(id);
  assert.equal([app?.status, app?.evaluation?.level], ['rejected', 3]);
  assert.is(updates(effects)[0]?.card.status?.text, '不予许可');
  assert.match(cardText(updates(effects)[0]!.card), '评价：基本满意');
});

test("nobody but the applicant can evaluate, not even with a forged click; an admin is told it is the applicant's", async () => {
  const id = await delivered();
  assert.equal(texts(await h.say('li', `评价 ${id} 1`)), [NOT_FOUND]);
  const own = lastCard(await h.say('li', '帮助'));
  const forged = { text: '非常不满意', action: 'evaluate.rate', params: { action: 'evaluate.rate', applicationId: id, level: '1' } };
  assert.equal(texts(await h.click('li', own.cardId, forged)), [NOT_FOUND]);
  assert.equal(texts(await h.say('admin', `评价 ${id} 5`)), ['只有申请人本人可以评价该办件。']);
  const app = await applicationCardOf(id);
  assert.equal(texts(await h.click('admin', app.cardId, buttonOf(app.card, '评价'))), ['只有申请人本人可以评价该办件。']);
  assert.is((await h.store.getApplication(id))?.evaluation, undefined);
});

test('a second evaluation is refused kindly, by command and from the old card', async () => {
  const id = await delivered();
  const ask = await openEvaluation(id);
  await h.click('zhang', ask.cardId, buttonOf(ask.card, '满意'));
  assert.equal(texts(await h.say('zhang', `评价 ${id} 1`)), ['您已评价过该办件，感谢您的反馈。']);
  assert.equal(texts(await h.click('zhang', ask.cardId, buttonOf(ask.card, '非常满意'))), ['您已评价过该办件，感谢您的反馈。']);
  assert.is((await h.store.getApplication(id))?.evaluation?.level, 4);
});

test('the command form works: 评价 <编号> shows the levels, 评价 <编号> 4 records 满意', async () => {
  const id = await delivered();
  assert.is(lastCard(await h.say('zhang', `评价 ${id.toLowerCase()}`)).card.title, '服务评价');
  const effects = await h.say('zhang', `评价 ${id} 4`);
  assert.is((await h.store.getApplication(id))?.evaluation?.level, 4);
  assert.is(lastCard(effects).card.title, '感谢您的评价');
  assert.match(cardText(updates(effects)[0]!.card), '评价：满意');
});

test('a forged or mistyped level (0, 6, x) is refused and records nothing', async () => {
  const id = await delivered();
  const ask = await openEvaluation(id);
  const rate = buttonOf(ask.card, '满意');
  for (const level of ['0', '6', 'x', '4.5']) {
    const forged = { ...rate, params: { ...rate.params, level } };
    assert.match(texts(await h.click('zhang', ask.cardId, forged))[0] ?? '', '评价等级应为 1 至 5');
  }
  assert.match(texts(await h.say('zhang', `评价 ${id} x`))[0] ?? '', '评价等级应为 1 至 5');
  assert.is((await h.store.getApplication(id))?.evaluation, undefined);
});

test.run();
