import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Card } from '../cards/card.js';
import { catalogueCard, categoryCard } from '../cards/catalogue-card.js';
import { CARD_MAX_CHARS, cardLength, fitCard, MAX_BUTTONS, TRIMMED_NOTE, userText } from '../cards/fit.js';
import { guideCard } from '../cards/guide-card.js';
import { helpCard } from '../cards/help-card.js';
import { matterChoiceCard, noMatchCard } from '../cards/matter-choice-card.js';
import { loadMattersOrThrow } from '../src/domain/matter.js';
import type { Matter } from '../src/domain/types.js';
import { assertGolden } from './support/golden.js';

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

test('no card has more buttons than the template shows', () => {
  for (const card of someCards()) assert.ok((card.buttons?.length ?? 0) <= MAX_BUTTONS, card.title);
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

function someCards(): Card[] {
  return [
    helpCard(), catalogueCard(matters), categoryCard(matters, '个人', 1), categoryCard(matters, '法人', 1),
    ...matters.map(guideCard), matterChoiceCard('x', matters), noMatchCard('x', matters.slice(0, 3)),
  ];
}

test.run();
