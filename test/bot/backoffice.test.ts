import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import { createApplication, transition } from '../../src/domain/application.js';
import { BotHarness, cardText, lastCard, Player, submitIndividualBusiness, texts, USERS } from '../support/bot-harness.js';

const test = suite('bot: back-office events');

let h: BotHarness;
let events = 0;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

function bo(applicationId: string, status: BackofficeEvent['status'], extra: Partial<BackofficeEvent> = {}): BackofficeEvent {
  return { eventId: `ev-${(events += 1)}`, applicationId, status, at: h.now.toISOString(), ...extra };
}

async function apply(event: BackofficeEvent) {
  const before = new Set((await h.store.dueJobs(Number.MAX_SAFE_INTEGER, 1000)).map((j) => j.id));
  const outcome = await h.backoffice(event);
  const jobs = (await h.store.dueJobs(Number.MAX_SAFE_INTEGER, 1000))
    .filter((j) => !before.has(j.id))
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  return {
    outcome,
    jobs,
    payloads: jobs.map((j) => j.payload as { type: string; card?: { title: string }; message?: { text?: string; card?: unknown } }),
  };
}

function updatedCard(payloads: { type: string; card?: unknown }[]) {
  const update = payloads.find((p) => p.type === 'card.update');
  if (!update) throw new Error('no card update');
  return update.card as Parameters<typeof cardText>[0];
}

test('accepted: the card is updated in place with the promised deadline, and the applicant is told', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  const { outcome, jobs, payloads } = await apply(bo(id, 'accepted'));
  assert.equal(outcome, { status: 'applied' });
  const app = await h.store.getApplication(id);
  assert.is(app?.status, 'accepted');
  assert.is(app?.deadline, '2026-01-06');
  assert.equal(
    jobs.map((j) => j.kind),
    ['dingtalk.card.update', 'timer', 'timer', 'dingtalk.message'],
  );
  assert.is(jobs[0]!.group, app?.channel.cardId);
  const check = (level: string, at: string) => ({
    name: 'supervision.check',
    key: `supervision:${id}:${level}`,
    at: Date.parse(at),
    payload: { applicationId: id, level },
  });
  assert.equal(
    [jobs[1]!.payload, jobs[2]!.payload],
    [check('yellow', '2026-01-06T01:00:00Z'), check('red', '2026-01-07T01:00:00Z')],
    'the warning checks: 09:00 China time',
  );
  const card = updatedCard(payloads);
  assert.match(cardText(card), '承诺办结：2026年1月6日前（剩余 1 个工作日）');
  assert.is(card.status?.text, '已受理');
  assert.match(payloads[3]!.message?.text ?? '', '已受理，承诺于2026年1月6日前办结');
});

test('two departments approve at different times: each step is shown, then the application is approved', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  await apply(bo(id, 'accepted'));
  h.advance(3_600_000);
  const first = await apply(bo(id, 'department_approved', { department: 'scjg' }));
  assert.is((await h.store.getApplication(id))?.status, 'in_review');
  assert.match(cardText(updatedCard(first.payloads)), '市场监督管理局：已同意');
  assert.match(cardText(updatedCard(first.payloads)), '税务局：待审');
  assert.match(first.payloads[1]!.message?.text ?? '', '1/2 个部门已同意');
  h.advance(3_600_000);
  const second = await apply(bo(id, 'department_approved', { department: 'sw' }));
  assert.is((await h.store.getApplication(id))?.status, 'approved');
  assert.match(second.payloads[1]!.message?.text ?? '', '已审批通过');
  const delivered = await apply(
    bo(id, 'delivered', { result: { type: 'elicence', licenseNo: 'GT330106-0001', url: 'https://licence.example/GT330106-0001' } }),
  );
  const card = updatedCard(delivered.payloads);
  assert.match(cardText(card), '证照编号：GT330106-0001');
  assert.match(cardText(card), '[查看电子证照](https://licence.example/GT330106-0001)');
  assert.match(delivered.payloads[1]!.message?.text ?? '', '电子证照已发放');
  assert.match(texts(await h.say('zhang', `撤回 ${id}`))[0] ?? '', '不能撤回');
});

test('a rejection tells the applicant the department and the reason', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  await apply(bo(id, 'accepted'));
  const { payloads } = await apply(bo(id, 'department_rejected', { department: 'sw', comment: '经营范围含禁止项目' }));
  const app = await h.store.getApplication(id);
  assert.is(app?.status, 'rejected');
  assert.match(payloads[1]!.message?.text ?? '', '税务局对办件');
  assert.match(payloads[1]!.message?.text ?? '', '经营范围含禁止项目');
  assert.match(cardText(updatedCard(payloads)), '税务局：已驳回（经营范围含禁止项目）');
});

test('supplement loop: one message lists every item, the applicant supplies them in the chat, review resumes', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  await apply(bo(id, 'accepted'));
  const missing = [
    { name: '经营场所使用证明', reason: '租赁合同未盖章' },
    { name: '经营范围说明', reason: '请说明“小吃服务”的具体品类' },
  ];
  const { jobs, payloads } = await apply(bo(id, 'supplement_required', { department: 'scjg', missing }));
  const messages = payloads.filter((p) => p.type === 'send');
  assert.is(messages.length, 1, 'exactly one message');
  const notice = messages[0]!.message!.card as Parameters<typeof cardText>[0];
  assert.match(cardText(notice), '一次性告知');
  assert.match(cardText(notice), '1. **经营场所使用证明**：租赁合同未盖章');
  assert.match(cardText(notice), '2. **经营范围说明**');
  assert.is(jobs.filter((j) => j.kind === 'dingtalk.card.update').length, 1);
  assert.match(cardText(updatedCard(payloads)), '补正材料');

  const zhang = new Player(h, 'zhang');
  await zhang.upload('盖章租赁合同.pdf');
  assert.is(zhang.card.title, '补正 · 第 2/2 项');
  await zhang.say('小吃服务指馄饨、面条的现场制售');
  assert.is(zhang.card.title, '补正 · 确认提交');
  const effects = await zhang.click('确认提交');
  const app = await h.store.getApplication(id);
  assert.is(app?.status, 'in_review');
  assert.is(app?.materials.find((m) => m.id === 'premises-proof')?.fileName, '盖章租赁合同.pdf');
  assert.match(app?.history.at(-1)?.note ?? '', '经营范围说明：小吃服务指馄饨');
  assert.match(texts(effects)[0] ?? '', '补正材料已提交（第1次）');
  const supplementJobs = (await h.store.dueJobs(Number.MAX_SAFE_INTEGER, 1000)).filter((j) => j.kind === 'backoffice.supplement');
  assert.equal(
    supplementJobs.map((j) => [j.key, j.payload]),
    [[`${id}:supplement:1`, { applicationId: id, round: 1 }]],
  );
  assert.is(await h.store.getDialog(`supplement:${id}`), undefined);
});

test('supplement: confirming with an item still open lists what is left and sends nothing', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  await apply(
    bo(id, 'supplement_required', {
      missing: [
        { name: '经营场所使用证明', reason: '' },
        { name: '补充说明', reason: '' },
      ],
    }),
  );
  const zhang = new Player(h, 'zhang');
  const { card, cardId } = lastCard(await h.say('zhang', `补正 ${id}`));
  zhang.current = { card, cardId };
  await zhang.click('跳过此项');
  await zhang.click('跳过此项');
  await zhang.click('确认提交');
  assert.match(cardText(zhang.card), '还有 2 项未补齐：经营场所使用证明、补充说明');
  assert.is((await h.store.getApplication(id))?.status, 'supplement_required');
});

test('the same event delivered twice has one effect', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  const event = bo(id, 'accepted');
  const first = await apply(event);
  const second = await apply(event);
  assert.equal(first.outcome, { status: 'applied' });
  assert.equal(second.outcome, { status: 'duplicate' });
  assert.is(second.jobs.length, 0);
  assert.is((await h.store.getApplication(id))?.rev, 2);
});

test('an illegal transition is refused (409) and leaves the store unchanged', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  const before = await h.store.getApplication(id);
  const event = bo(id, 'department_approved', { department: 'scjg' });
  const { outcome, jobs } = await apply(event);
  assert.is(outcome.status, 'illegal');
  assert.equal(await h.store.getApplication(id), before);
  assert.is(jobs.length, 0);
  assert.not.ok(await h.store.hasProcessed(`bo:${event.eventId}`), 'a later legal retry is not taken for a duplicate');
});

test('a withdrawal and a back-office event racing on one application never lose an update', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  const ask = lastCard(await h.say('zhang', `撤回 ${id}`));
  const confirm = ask.card.buttons!.find((b) => b.text === '确认撤回')!;
  const [, outcome] = await Promise.all([h.click('zhang', ask.cardId, confirm), h.backoffice(bo(id, 'accepted'))]);
  const app = (await h.store.getApplication(id))!;
  assert.is(app.status, 'withdrawn');
  assert.is(app.rev, app.history.length - 1, 'every change is in the history');
  if (outcome.status === 'applied') assert.ok(app.acceptedAt, 'accepted first, then withdrawn');
  else assert.is(outcome.status, 'illegal');
});

test('an unknown application is reported as such', async () => {
  assert.equal(await h.backoffice(bo('YC20260105-9999', 'accepted')), { status: 'unknown_application' });
});

test('window pickup shows the address, hours and what to bring; an application without a card gets a new one', async () => {
  const matter = h.matters.find((m) => m.id === 'real-estate-transfer')!;
  const draft = createApplication({
    id: 'YC20260105-0042',
    matter,
    applicant: { userId: USERS.zhang.userId, name: '张三' },
    channel: { conversationId: 'cid-single-citizen-zhang', conversationType: 'single' },
    fields: {},
    materials: [],
    now: h.now,
  });
  const submitted = transition(draft, { kind: 'submit' }, { now: h.now, actor: { type: 'applicant', id: USERS.zhang.userId } });
  assert.ok(submitted.status === 'ok');
  await h.store.commit({ applications: [submitted.application] });
  const accepted = await apply(bo('YC20260105-0042', 'accepted'));
  const sent = accepted.payloads.filter((p) => p.type === 'send');
  assert.is(sent.length, 2, 'a new card and the message');
  const cardId = (await h.store.getApplication('YC20260105-0042'))?.channel.cardId;
  assert.ok(cardId);
  await apply(bo('YC20260105-0042', 'completed'));
  const { payloads } = await apply(bo('YC20260105-0042', 'delivered', { result: { type: 'window' } }));
  const card = updatedCard(payloads);
  assert.match(cardText(card), matter.window!.address);
  assert.match(cardText(card), '办公时间');
  assert.match(payloads.find((p) => p.type === 'send')?.message?.text ?? '', '只需跑这一次');
});

test.run();
