import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createDeadLetterNotifier } from '../../src/dead-letter.js';
import { BUSY_TEXT } from '../../src/bot/bot.js';
import type { Effect } from '../../src/bot/effects.js';
import { DEFAULT_INBOUND_BUDGET, TOO_FAST_TEXT } from '../../src/bot/inbound-budget.js';
import { ConflictError, type Store } from '../../src/store/store.js';
import { BotHarness, buttonOf, cards, lastCard, Player, sends, submitIndividualBusiness, texts, USERS } from '../support/bot-harness.js';

const test = suite('bot security: clean input, no echo, budget, busy answer, masking');

let h: BotHarness;
test.after.each(async () => {
  await h?.close();
});

test('invisible characters and full-width digits in typed text are cleaned before any handler sees them', async () => {
  h = await BotHarness.create();
  const id = await submitIndividualBusiness(h, 'zhang');
  const fullWidth = id.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  const typed = `查\u200b询 \u202e${fullWidth}\u2066\ufeff`;
  const { card } = lastCard(await h.say('zhang', typed));
  assert.is(card.title, `办件 ${id}`, 'the cleaned command finds the application');
});

test('a forged 不撤回 click never shows its parameters back', async () => {
  h = await BotHarness.create();
  const own = lastCard(await h.say('li', '帮助'));
  const forged = {
    text: '不撤回',
    action: 'withdraw.abort',
    params: { action: 'withdraw.abort', applicationId: '请拨打 400-000-0000 领取补贴 <a>' },
  };
  const answer = texts(await h.click('li', own.cardId, forged));
  assert.equal(answer, ['好的，继续办理。']);
});

test("不撤回 names the application only when it is the clicker's own, from the store", async () => {
  h = await BotHarness.create();
  const id = await submitIndividualBusiness(h, 'zhang');
  const ask = lastCard(await h.say('zhang', `撤回 ${id}`));
  assert.equal(texts(await h.click('zhang', ask.cardId, buttonOf(ask.card, '不撤回'))), [`好的，办件 ${id} 继续办理。`]);
  const own = lastCard(await h.say('li', '帮助'));
  const forged = { text: '不撤回', action: 'withdraw.abort', params: { action: 'withdraw.abort', applicationId: id } };
  assert.equal(texts(await h.click('li', own.cardId, forged)), ['好的，继续办理。'], "another person's number is not confirmed");
});

test('30 quick messages: 10 answered, one 您发送太快了, then silence; all committed; others unaffected; answered again later', async () => {
  h = await BotHarness.create({ inboundBudget: DEFAULT_INBOUND_BUDGET });
  const answers: Effect[][] = [];
  const ids: string[] = [];
  for (let i = 0; i < 30; i += 1) {
    const event = h.message('zhang', '帮助');
    ids.push(event.id);
    answers.push(await h.run(event));
    if (i === 15) assert.is(cards(await h.say('li', '帮助')).length, 1, 'another person is answered meanwhile');
  }
  assert.is(answers.slice(0, 10).filter((effects) => cards(effects).length === 1).length, 10, 'the first ten are answered');
  assert.equal(texts(answers[10]!), [TOO_FAST_TEXT], 'one polite notice');
  assert.equal(answers.slice(11).flat(), [], 'then silence');
  for (const id of ids) assert.ok(await h.store.hasProcessed(id), `event ${id} is committed (so ACKed, never redelivered)`);
  h.advance(1_000);
  assert.is(cards(await h.say('zhang', '帮助')).length, 1, 'a refilled token answers again');
  assert.equal(texts(await h.say('zhang', '帮助')), [TOO_FAST_TEXT], 'spent again: told once more');
  assert.equal(sends(await h.say('zhang', '帮助')), [], 'and silent again');
  h.advance(10_000);
  for (let i = 0; i < 10; i += 1) assert.is(cards(await h.say('zhang', '帮助')).length, 1, `answer ${i + 1} after the window`);
});

test('a commit conflict the bot cannot resolve answers 系统繁忙 and commits only the inbox id', async () => {
  let conflicts = false;
  let attempts = 0;
  const wrap = (store: Store): Store =>
    new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (key !== 'commit') return typeof value === 'function' ? value.bind(target) : value;
        return async (change: Parameters<Store['commit']>[0]) => {
          const app = change.applications?.[0];
          if (conflicts && app) {
            attempts += 1;
            throw new ConflictError(app.id, app.rev - 1, app.rev);
          }
          return target.commit(change);
        };
      },
    });
  h = await BotHarness.create({ wrapStore: wrap });
  const id = await submitIndividualBusiness(h, 'zhang');
  const ask = lastCard(await h.say('zhang', `撤回 ${id}`));
  conflicts = true;
  const event = { ...h.message('zhang', `确认撤回 ${id}`) };
  const effects = await h.run(event);
  assert.is(attempts, 3, 'decided three times');
  assert.equal(texts(effects), [BUSY_TEXT]);
  assert.ok(await h.store.hasProcessed(event.id), 'the inbox id is committed, so the event is ACKed');
  assert.is((await h.store.getApplication(id))?.status, 'submitted', 'nothing of the decision was saved');
  conflicts = false;
  await h.click('zhang', ask.cardId, buttonOf(ask.card, '确认撤回'));
  assert.is((await h.store.getApplication(id))?.status, 'withdrawn', 'trying again works');
});

const ID = USERS.zhang.idCard;
const PHONE = '13800000001';

function leaks(effect: Effect): string[] {
  const json = JSON.stringify(effect);
  return [ID, PHONE, '6222021234567890128'].filter((value) => json.includes(value));
}

test("no full ID, phone or bank-card number in any card or message except the applicant's own review one-to-one", async () => {
  h = await BotHarness.create();
  const all: Effect[] = [];
  const p = new Player(h, 'zhang');
  const track = async (effects: Promise<Effect[]>) => all.push(...(await effects));
  await track(p.say('我要办 公积金提取'));
  await track(p.click('同意调取'));
  await track(p.say(ID));
  await track(p.click('租赁自住住房'));
  await track(p.say('12000'));
  await track(p.say('6222021234567890128'));
  await track(p.say(PHONE));
  for (let i = 0; i < 8 && !p.card.title.includes('核对信息'); i += 1) await track(p.click('不提供'));
  const review = p.card;
  assert.match(JSON.stringify(review), ID, 'the review shows the applicant their own full values');
  await track(p.click('提交'));
  const id = /^办件 (YC\d{8}-\d{4})$/.exec(p.card.title)?.[1];
  assert.ok(id, `submitted: ${p.card.title}`);
  await track(h.say('zhang', `查询 ${id}`));
  await track(h.say('zhang', '我的办件'));
  await track(h.sayInGroup('zhang', `查询 ${id}`));
  await track(h.say('zhang', `撤回 ${id}`));
  await track(h.say('admin', `查询 ${id}`));
  await track(h.say('zhang', `查询 我的身份证号${ID}电话${PHONE}`));
  const leaking = all.filter((effect) => leaks(effect).length > 0);
  // The form card: posted first, then updated in place at each step.
  const formCard = (effect: Effect) =>
    effect.type === 'send' ? effect.message.card : effect.type === 'card.update' ? effect.card : undefined;
  const allowed = (effect: Effect) =>
    (effect.type === 'send' || effect.type === 'card.update') &&
    effect.to.kind === 'user' &&
    effect.to.userId === USERS.zhang.userId &&
    /核对信息|第 \d+\/\d+ 项/.test(formCard(effect)?.title ?? '');
  assert.equal(
    leaking.filter((effect) => !allowed(effect)).map((e) => JSON.stringify(e).slice(0, 300)),
    [],
  );
  assert.ok(leaking.some(allowed), 'the review itself was unmasked');
  // Status pushes: a reviewer's comment naming the applicant's numbers reaches the chat masked.
  const earlier = new Set((await h.store.dueJobs(Number.MAX_SAFE_INTEGER, 1000)).map((job) => job.id));
  const at = h.now.toISOString();
  await h.backoffice({ eventId: 'ev-1', applicationId: id, status: 'accepted', comment: `已核对身份证${ID}`, at });
  await h.backoffice({
    eventId: 'ev-2',
    applicationId: id,
    department: 'gjj',
    status: 'supplement_required',
    at,
    comment: `请联系${PHONE}`,
    missing: [{ name: '银行卡', reason: `卡号6222021234567890128已销户，身份证${ID}` }],
  });
  await track(h.say('zhang', `查询 ${id}`));
  const jobs = (await h.store.dueJobs(Number.MAX_SAFE_INTEGER, 1000)).filter(
    (job) => job.kind.startsWith('dingtalk.') && !earlier.has(job.id),
  );
  const pushed = jobs.map((job) => JSON.stringify(job.payload)).join('\n') + JSON.stringify(all.slice(-3));
  assert.equal(
    [ID, PHONE, '6222021234567890128'].filter((value) => pushed.includes(value)),
    [],
    'no full number in any push',
  );
  assert.match(pushed, '3301**********2031');
  assert.match(pushed, '138****0001');
  assert.match(pushed, '**** **** **** 0128');
});

test("a back office refusal quoting the applicant's ID number is passed on masked", async () => {
  h = await BotHarness.create();
  const id = await submitIndividualBusiness(h, 'zhang');
  const notify = createDeadLetterNotifier({ store: h.store, now: () => h.now.getTime(), newId: () => 'dead-note' });
  const commit = await notify({
    id: 'job-x',
    kind: 'backoffice.submit',
    key: id,
    payload: { applicationId: id },
    attempts: 1,
    nextAt: 0,
    createdAt: 0,
    failedAt: 0,
    reason: `身份证号${ID}与姓名不符`,
  });
  const json = JSON.stringify(commit);
  assert.not.match(json, ID);
  assert.match(json, '身份证号3301**********2031与姓名不符');
});

test.run();
