import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Card } from '../../cards/card.js';
import {
  BODY_SLOTS,
  chunkBytes,
  commandLink,
  renderFallbackMarkdown,
  renderTemplateParams,
  TRUNCATED_NOTE,
  webhookBody,
} from '../../src/dingtalk/render.js';

const render = suite('card rendering');
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

const reviewCard: Card = {
  title: '个体工商户设立登记',
  status: { text: '待确认', tone: 'warning' },
  sections: [
    { kind: 'markdown', text: '**请核对以下信息**' },
    {
      kind: 'fields',
      items: [
        { label: '申请人', value: '张三' },
        { label: '字号', value: '[点我](http://x)' },
      ],
    },
  ],
  buttons: [
    { text: '提交', action: 'apply.submit', params: { draft: 'd-1' }, style: 'primary', command: '提交' },
    { text: '修改', action: 'apply.edit', params: { field: 'name' }, command: '修改 字号' },
    { text: '放弃', action: 'apply.cancel', style: 'danger' },
  ],
  footnote: '材料齐全，一次办结',
};

render('fills every template variable with a string', () => {
  const params = renderTemplateParams(reviewCard);
  assert.is(params.title, '个体工商户设立登记');
  assert.is(params.statusText, '待确认');
  assert.is(params.statusColor, 'common_orange1_color');
  assert.is(params.body1, '**请核对以下信息**');
  assert.is(params.body2, '');
  assert.equal(JSON.parse(params.fields ?? ''), [
    { label: '申请人', value: '张三' },
    { label: '字号', value: '[点我](http://x)' },
  ]);
  assert.equal(JSON.parse(params.buttons ?? ''), [
    { text: '提交', style: 'primary', params: { draft: 'd-1', action: 'apply.submit' } },
    { text: '修改', style: 'normal', params: { field: 'name', action: 'apply.edit' } },
    { text: '放弃', style: 'warning', params: { action: 'apply.cancel' } },
  ]);
  assert.is(params.footnote, '材料齐全，一次办结');
  assert.equal(Object.keys(params).length, 6 + BODY_SLOTS);
  for (const value of Object.values(params)) assert.type(value, 'string');
});

render('inlines fields that come before later markdown, escaped, to keep the order', () => {
  const params = renderTemplateParams({
    title: 't',
    sections: [
      { kind: 'fields', items: [{ label: '姓名', value: '**张三**' }] },
      { kind: 'markdown', text: '说明' },
    ],
  });
  assert.is(params.body1, '**姓名**：＊＊张三＊＊\n\n说明');
  assert.is(params.fields, '[]');
  assert.is(params.statusText, '');
});

render('keeps every value within 1 KB and caps a long card with a note', () => {
  const long = '一次办'.repeat(3000);
  const params = renderTemplateParams({
    title: '长'.repeat(500),
    sections: [
      { kind: 'markdown', text: long },
      { kind: 'fields', items: Array.from({ length: 50 }, (_, i) => ({ label: `第${i}项`, value: '值'.repeat(300) })) },
    ],
    buttons: Array.from({ length: 10 }, (_, i) => ({ text: `按钮${i}`.repeat(10), action: 'x.y', params: { p: 'v'.repeat(400) } })),
  });
  for (const [key, value] of Object.entries(params)) assert.ok(bytes(value) <= 1024, `${key} is ${bytes(value)} bytes`);
  const body = Array.from({ length: BODY_SLOTS }, (_, i) => params[`body${i + 1}`]).join('');
  assert.ok(body.includes(TRUNCATED_NOTE));
  assert.ok(body.length <= 3000);
  assert.ok(JSON.parse(params.fields ?? '[]').length > 0);
  assert.ok(JSON.parse(params.buttons ?? '[]').length > 0);
});

render('splits long markdown on line boundaries into byte-limited chunks', () => {
  const lines = Array.from({ length: 40 }, (_, i) => `第${i}行：材料清单说明文字`);
  const chunks = chunkBytes(lines.join('\n'), 200, 20);
  assert.ok(chunks.length > 1);
  for (const chunk of chunks) assert.ok(bytes(chunk) <= 200);
  assert.is(chunks.join('\n'), lines.join('\n'));
  const cut = chunkBytes(lines.join('\n'), 200, 2);
  assert.is(cut.length, 2);
  assert.ok(cut[1]?.endsWith(TRUNCATED_NOTE));
  assert.ok(bytes(cut[1] ?? '') <= 200);
});

render('falls back to an actionCard whose buttons send the text command', () => {
  const message = renderFallbackMarkdown(reviewCard);
  assert.is(message.msgKey, 'sampleActionCard2');
  assert.is(message.msgParam.actionTitle1, '提交');
  assert.is(message.msgParam.actionURL1, 'dtmd://dingtalkclient/sendMessage?content=%E6%8F%90%E4%BA%A4');
  assert.is(message.msgParam.actionURL2, commandLink('修改 字号'));
  assert.is(message.msgParam.actionURL2, 'dtmd://dingtalkclient/sendMessage?content=%E4%BF%AE%E6%94%B9%20%E5%AD%97%E5%8F%B7');
  const text = message.msgParam.text ?? '';
  assert.match(text, /#### 个体工商户设立登记/);
  assert.match(text, /状态：\*\*待确认\*\*/);
  assert.match(text, /\*\*字号\*\*：［点我］（http:\/\/x）/);
  assert.match(text, /可用操作：放弃/);
});

render('uses plain markdown without commands and a single-button card for one command', () => {
  assert.is(renderFallbackMarkdown({ title: 't', sections: [{ kind: 'markdown', text: 'x' }] }).msgKey, 'sampleMarkdown');
  const one = renderFallbackMarkdown({ title: 't', sections: [], buttons: [{ text: '查询', action: 'q.go', command: '查询' }] });
  assert.equal(one, {
    msgKey: 'sampleActionCard',
    msgParam: { title: 't', text: '#### t', singleTitle: '查询', singleURL: commandLink('查询') },
  });
  const many = renderFallbackMarkdown({
    title: 't',
    sections: [],
    buttons: Array.from({ length: 7 }, (_, i) => ({ text: `b${i}`, action: 'a.b', command: `c${i}` })),
  });
  assert.is(many.msgKey, 'sampleActionCard5');
  assert.match(many.msgParam.text ?? '', /\[b5\]\(dtmd:\/\/dingtalkclient\/sendMessage\?content=c5\)/);
});

render('maps robot messages to sessionWebhook bodies', () => {
  assert.equal(webhookBody({ msgKey: 'sampleText', msgParam: { content: '你好' } }, ['u1']), {
    msgtype: 'text',
    text: { content: '你好' },
    at: { atUserIds: ['u1'], isAtAll: false },
  });
  const card = webhookBody(renderFallbackMarkdown(reviewCard));
  assert.equal((card.actionCard as { btns: unknown[] }).btns, [
    { title: '提交', actionURL: commandLink('提交') },
    { title: '修改', actionURL: commandLink('修改 字号') },
  ]);
  assert.is(webhookBody({ msgKey: 'sampleMarkdown', msgParam: { title: 'a', text: 'b' } }).msgtype, 'markdown');
});

render.run();
