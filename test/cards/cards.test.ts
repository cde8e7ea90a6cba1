import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Card } from '../../cards/card.js';
import type { Matter } from '../../src/domain/types.js';
import { catalogueCard, categoryCard } from '../../cards/catalogue-card.js';
import { CARD_MAX_CHARS, cardLength, fitCard, MAX_BUTTONS, TRIMMED_NOTE, userText } from '../../cards/fit.js';
import { guideCard } from '../../cards/guide-card.js';
import { helpCard } from '../../cards/help-card.js';
import { matterChoiceCard, noMatchCard } from '../../cards/matter-choice-card.js';
import { loadMattersOrThrow } from '../../src/config-files.js';
import { assertGolden } from '../support/golden.js';
import { applicationCard } from '../../cards/application-card.js';
import { applicationListCard } from '../../cards/application-list-card.js';
import { consentCard } from '../../cards/consent-card.js';
import { fieldCard } from '../../cards/field-card.js';
import { materialCard } from '../../cards/material-card.js';
import { missingItemsCard } from '../../cards/missing-items-card.js';
import { reviewCard } from '../../cards/review-card.js';
import { supplementItemCard } from '../../cards/supplement-card.js';
import { withdrawConfirmCard } from '../../cards/withdraw-card.js';
import { createApplication, transition } from '../../src/domain/application.js';
import type { Actor, Application } from '../../src/domain/types.js';

const test = suite('cards');

let matters: Matter[];
const matter = (id: string): Matter => {
  const found = matters.find((m) => m.id === id);
  if (!found) throw new Error(`no seed matter ${id}`);
  return found;
};

test.before(async () => {
  matters = await loadMattersOrThrow('config/matters');
});

test('help card matches its golden file', () => {
  assertGolden('help', helpCard());
});

test('catalogue and category cards match their golden files', () => {
  assertGolden('catalogue', catalogueCard(matters));
  assertGolden('category-personal-page-2', categoryCard(matters, '个人', 2));
});

test('guide cards of a zero-visit and a one-visit matter match their golden files', () => {
  assertGolden('guide-individual-business', guideCard(matter('individual-business')));
  assertGolden('guide-food-business-licence', guideCard(matter('food-business-licence')));
});

test('choice and no-match cards escape the words the user typed', () => {
  const choice = matterChoiceCard('[点我](http://evil) @all', matters.slice(0, 7));
  assertGolden('matter-choice', choice);
  assert.not.match(JSON.stringify(choice), '](http');
  assert.is(choice.buttons?.length, 6, 'five matters and 查看全部事项');
  const none = noMatchCard('**粗体**', matters.slice(0, 3));
  assert.not.match(JSON.stringify(none), '**粗体**');
});

test('every button carries its action id in params.action', () => {
  for (const card of someCards()) for (const b of card.buttons ?? []) assert.is(b.params?.action, b.action, `${card.title}/${b.text}`);
});

test('no card has more buttons than the template shows, or more text than DingTalk renders', () => {
  for (const card of someCards()) {
    assert.ok((card.buttons?.length ?? 0) <= MAX_BUTTONS, card.title);
    assert.ok(cardLength(card) <= CARD_MAX_CHARS, card.title);
  }
});

test('every guide card of the seed catalogue stays under the card size limit', () => {
  for (const m of matters) assert.ok(cardLength(guideCard(m)) <= CARD_MAX_CHARS, m.id);
});

test('an oversized card is trimmed line by line to the limit, with a note', () => {
  const long: Card = {
    title: '长卡片',
    sections: [
      { kind: 'fields', items: [{ label: '编号', value: 'YC1' }] },
      { kind: 'markdown', text: Array.from({ length: 200 }, (_, i) => `第${i + 1}行：${'内容'.repeat(10)}`).join('\n') },
    ],
  };
  const fitted = fitCard(long);
  assert.ok(cardLength(fitted) <= CARD_MAX_CHARS);
  assert.is(fitted.footnote, TRIMMED_NOTE);
  assert.is(fitted.sections[0]?.kind, 'fields', 'the head of the card is kept');
  const small = helpCard();
  assert.is(fitCard(small), small, 'a card under the limit is returned as it is');
});

test('user text is cut to its limit before escaping', () => {
  assert.is(userText('a'.repeat(300), 10), `${'a'.repeat(9)}…`);
  assert.is(userText('[x](y)'), '［x］（y）');
});

function application(matterId: string): Application {
  const m = matter(matterId);
  const at = '2026-01-05T02:00:00.000Z';
  const created = createApplication({
    id: 'YC20260105-0001',
    matter: m,
    applicant: { userId: 'citizen-zhang', name: '张三' },
    channel: { conversationId: 'cid-single', conversationType: 'single' },
    fields: { phone: '13800000001' },
    materials: [],
    now: at,
  });
  const step = (app: Application, event: Parameters<typeof transition>[1], actor: Actor = { type: 'backoffice', id: 'bo' }) => {
    const result = transition(app, event, { now: at, actor });
    if (result.status !== 'ok') throw new Error(result.message);
    return result.application;
  };
  return step(created, { kind: 'submit' }, { type: 'applicant', id: 'citizen-zhang' });
}

test('apply cards match their golden files', () => {
  const food = matter('food-business-licence');
  const business = food.fields.find((f) => f.key === 'businessType')!;
  assertGolden('field-enum', fieldCard({ matterName: food.name, field: business, position: 3, total: 6 }));
  const id = matter('individual-business').fields.find((f) => f.key === 'operatorIdNumber')!;
  assertGolden(
    'field-error',
    fieldCard({
      matterName: '个体工商户设立登记',
      field: id,
      position: 1,
      total: 6,
      value: '330106198503122031',
      error: '「经营者身份证号」身份证号校验位不正确',
    }),
  );
  assertGolden('material-tolerance', materialCard({ matterName: food.name, material: food.materials[3]!, position: 4, total: 5 }));
  assertGolden('consent', consentCard(matter('individual-business'), '经营者身份证号'));
  assertGolden(
    'review',
    reviewCard({
      matter: matter('individual-business'),
      fields: {
        operatorName: '张三',
        operatorIdNumber: '330106198503122031',
        businessScope: '小吃服务',
        businessAddress: '杭州市西湖区文三路100号',
        phone: '13800000001',
      },
      sources: { operatorName: '电子证照·居民身份证（杭州市公安局西湖分局）' },
      materials: [
        { id: 'operator-id', name: '经营者居民身份证', source: 'elicence', ref: '330106198503122031', origin: '杭州市公安局西湖分局' },
      ],
    }),
  );
  assertGolden(
    'missing-items',
    missingItemsCard({
      title: '还有 2 项需要补充',
      intro: '请一次补齐：',
      items: [
        { name: '营业执照', reason: '请上传营业执照' },
        { name: '平面图', reason: '请上传平面图' },
      ],
    }),
  );
});

test('application cards match their golden files: submitted, in review, delivered for window pickup', () => {
  const submitted = application('individual-business');
  assertGolden('application-submitted', applicationCard(submitted, matter('individual-business')));
  const actor: Actor = { type: 'department', id: 'scjg' };
  const at = '2026-01-05T03:00:00.000Z';
  const accepted = transition(submitted, { kind: 'accept', deadline: '2026-01-06' }, { now: at, actor });
  assert.ok(accepted.status === 'ok');
  const review = transition(
    accepted.application,
    { kind: 'department_approve', department: 'scjg', comment: '材料齐全' },
    { now: at, actor },
  );
  assert.ok(review.status === 'ok');
  assertGolden('application-in-review', applicationCard(review.application, matter('individual-business'), { timeline: true }));
  const estate = application('real-estate-transfer');
  const done = [
    { kind: 'accept', deadline: '2026-01-12' } as const,
    { kind: 'complete' } as const,
    { kind: 'deliver', result: { type: 'window' } } as const,
  ].reduce((app, event) => {
    const r = transition(app, event, { now: at, actor: { type: 'backoffice', id: 'bo' } });
    if (r.status !== 'ok') throw new Error(r.message);
    return r.application;
  }, estate);
  assertGolden('application-delivered-window', applicationCard(done, matter('real-estate-transfer')));
});

test('list, withdraw and supplement cards match their golden files', () => {
  const app = application('individual-business');
  assertGolden('application-list', applicationListCard({ items: [app, { ...app, id: 'YC20260104-0003' }], total: 7, page: 2 }));
  assertGolden('withdraw-confirm', withdrawConfirmCard(app));
  assertGolden(
    'supplement-intro',
    supplementItemCard({
      applicationId: app.id,
      matterName: app.matter.name,
      index: 0,
      intro: true,
      items: [
        { name: '经营场所使用证明', reason: '租赁合同未盖章' },
        { name: '补充说明', reason: '[链接](http://x)' },
      ],
    }),
  );
});

function someCards(): Card[] {
  return [
    helpCard(),
    catalogueCard(matters),
    categoryCard(matters, '个人', 1),
    categoryCard(matters, '法人', 1),
    ...matters.map(guideCard),
    matterChoiceCard('x', matters),
    noMatchCard('x', matters.slice(0, 3)),
    ...matters.flatMap((m) =>
      m.fields.map((field, i) => fieldCard({ matterName: m.name, field, position: i + 1, total: m.fields.length, value: 'x' })),
    ),
    ...matters.flatMap((m) =>
      m.materials.map((material, i) =>
        materialCard({
          matterName: m.name,
          material,
          position: i + 1,
          total: m.materials.length,
          current: { id: material.id, name: material.name, source: 'upload', ref: 'x' },
        }),
      ),
    ),
    ...matters.map((m) => reviewCard({ matter: m, fields: {}, sources: {}, materials: [] })),
    ...matters.map((m) => applicationCard(application(m.id), m)),
  ];
}

test.run();
