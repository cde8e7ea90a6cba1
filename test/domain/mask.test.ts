import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Card } from '../../cards/card.js';
import { visibleCard, visibleText } from '../../src/bot/masking.js';
import { cleanText } from '../../src/domain/clean-text.js';
import { isMaskedField, maskBankCard, maskFieldValue, maskIdCard, maskPersonalNumbers, maskPhone } from '../../src/domain/mask.js';

const test = suite('masking and clean text');

test('ID, phone and bank-card numbers are masked as the issue shows them', () => {
  assert.is(maskIdCard('330106198503122031'), '3301**********2031');
  assert.is(maskIdCard('33010619880921406X'), '3301**********406X');
  assert.is(maskPhone('13800000000'), '138****0000');
  assert.is(maskBankCard('6222021234567891234'), '**** **** **** 1234');
});

test('fields mask by type or by the sensitive flag; other fields show as typed', () => {
  assert.is(maskFieldValue({ type: 'idcard' }, '330106198503122031'), '3301**********2031');
  assert.is(maskFieldValue({ type: 'phone' }, '13800000000'), '138****0000');
  assert.is(maskFieldValue({ type: 'bankcard' }, '6222021234567891234'), '**** **** **** 1234');
  assert.is(maskFieldValue({ type: 'text', sensitive: true }, '杭州市西湖区'), '杭****区');
  assert.is(maskFieldValue({ type: 'text' }, '杭州市西湖区'), '杭州市西湖区');
  assert.ok(isMaskedField({ type: 'address', sensitive: true }));
  assert.not.ok(isMaskedField({ type: 'uscc' }));
});

test('personal numbers inside free text are masked; dates, application numbers and credit codes are not', () => {
  const text =
    '身份证330106198503122031，手机13800000001，卡号6222021234567890123，办件YC20260105-0001，代码91330106MA2H7Q3K8C，2026-01-05';
  assert.is(
    maskPersonalNumbers(text),
    '身份证3301**********2031，手机138****0001，卡号**** **** **** 0123，办件YC20260105-0001，代码91330106MA2H7Q3K8C，2026-01-05',
  );
});

test('every card and message is masked, except a personal card sent one-to-one to its owner', () => {
  const card: Card = {
    title: '核对信息',
    sections: [
      { kind: 'fields', items: [{ label: '身份证号', value: '330106198503122031' }] },
      { kind: 'markdown', text: '手机 13800000001' },
    ],
    personal: true,
  };
  const own = visibleCard(card, { kind: 'user', userId: 'u1' }, 'u1');
  assert.match(JSON.stringify(own), '330106198503122031');
  assert.is(own.personal, undefined, 'the flag does not leave the bot');
  for (const shown of [
    visibleCard(card, { kind: 'user', userId: 'u2' }, 'u1'),
    visibleCard(card, { kind: 'group', conversationId: 'g' }, null),
    visibleCard({ ...card, personal: false }, { kind: 'user', userId: 'u1' }, 'u1'),
  ]) {
    const json = JSON.stringify(shown);
    assert.not.match(json, '330106198503122031');
    assert.not.match(json, '13800000001');
    assert.match(json, '3301**********2031');
  }
  assert.is(visibleText('电话13800000001'), '电话138****0001');
});

test('clean text drops control, bidi and zero-width characters and folds full-width digits and letters', () => {
  assert.is(cleanText('查\u200b询\u200c \u202eYC２０２６０１０５-０００１\u2066\u2069\ufeff\u0007'), '查询 YC20260105-0001');
  assert.is(cleanText('ＡＢｃ１２３'), 'ABc123');
  assert.is(cleanText('杭州市，西湖区（文三路）'), '杭州市，西湖区（文三路）', 'Chinese punctuation stays');
  assert.is(cleanText('第一行\r\n第二行\t完'), '第一行\n第二行\t完');
  assert.is(cleanText('\u2060\u200d\u202a\u202b\u202c\u202d\u2067\u2068'), '');
});

test.run();
