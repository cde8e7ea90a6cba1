// Fan-out rules and draft checks as tables: recipients, batches of 20, the progress sums, parsing.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import {
  addBatch,
  chunk,
  failedCount,
  isFinished,
  planBatches,
  recipientsOf,
  retryBatch,
  startProgress,
  type NoticeBatch,
} from '../../src/domain/fan-out.js';
import { draftProblems, parseAudience, parseSendTime, sendTimeText } from '../../src/domain/notice.js';

const test = suite('broadcast: fan-out rules');

test('recipients are de-duplicated in first-seen order, without the author and the people who left', () => {
  const table: [string[], string, string[], string[]][] = [
    [['a', 'b', 'a', 'c'], 'x', [], ['a', 'b', 'c']],
    [['a', 'author', 'b'], 'author', [], ['a', 'b']],
    [['a', 'gone', 'b', 'gone'], 'x', ['gone'], ['a', 'b']],
    [['', 'a'], 'x', [], ['a']],
  ];
  for (const [found, author, skipped, want] of table) assert.equal(recipientsOf(found, { author, skipped }), want);
});

test('cuts people into batches of at most 20 and adds one batch per group', () => {
  const people = Array.from({ length: 45 }, (_, i) => `p${i}`);
  assert.equal(
    chunk(people).map((c) => c.length),
    [20, 20, 5],
  );
  assert.equal(chunk([]), []);
  const batches = planBatches('N1', people, ['cid-a', 'cid-b']);
  assert.equal(
    batches.map((b) => [b.index, b.userIds.length, b.conversationId ?? '']),
    [
      [0, 20, ''],
      [1, 20, ''],
      [2, 5, ''],
      [3, 0, 'cid-a'],
      [4, 0, 'cid-b'],
    ],
  );
});

const batch = (over: Partial<NoticeBatch>): NoticeBatch => ({
  noticeId: 'N1',
  index: 0,
  round: 1,
  userIds: ['a', 'b', 'c', 'd'],
  status: 'done',
  delivered: [],
  invalid: [],
  flowControlled: [],
  ...over,
});

test('progress adds each kind of batch outcome to its own figure', () => {
  const table: [Partial<NoticeBatch>, boolean, Partial<ReturnType<typeof startProgress>>][] = [
    [{ delivered: ['a', 'b', 'c', 'd'] }, false, { sent: 4, open: 1 }],
    [{ delivered: ['a', 'b'], invalid: ['c'], flowControlled: ['d'] }, true, { sent: 2, invalid: 1, waiting: 1, open: 2 }],
    [{ delivered: ['a', 'b'], invalid: ['c'], flowControlled: ['d'] }, false, { sent: 2, invalid: 1, flowControlled: 1, open: 1 }],
    [{ status: 'cancelled' }, false, { cancelled: 4, open: 1 }],
    [{ status: 'uncertain' }, false, { uncertain: 4, open: 1 }],
    [{ userIds: [], conversationId: 'cid', processQueryKey: 'k' }, false, { sent: 1, open: 1 }],
  ];
  for (const [over, retried, want] of table) {
    assert.equal(addBatch(startProgress(10, 2), batch(over), retried), { ...startProgress(10, 2), ...want }, JSON.stringify(over));
  }
});

test('a later round turns waiting people into sent ones and the notice finishes with its last batch', () => {
  let progress = addBatch(startProgress(4, 1), batch({ delivered: ['a', 'b', 'c'], flowControlled: ['d'] }), true);
  assert.is(isFinished(progress), false);
  progress = addBatch(progress, batch({ round: 2, index: 1, userIds: ['d'], delivered: ['d'] }), false);
  assert.equal([progress.sent, progress.waiting, progress.open, failedCount(progress)], [4, 0, 0, 0]);
  assert.ok(isFinished(progress));
});

test('flow-controlled people get a later round, at most five', () => {
  assert.equal(retryBatch(batch({ flowControlled: ['d'] }), 7)?.userIds, ['d']);
  assert.is(retryBatch(batch({ flowControlled: ['d'] }), 7)?.index, 7);
  assert.is(retryBatch(batch({ flowControlled: [] }), 7), undefined);
  assert.is(retryBatch(batch({ round: 5, flowControlled: ['d'] }), 7), undefined);
});

test('reads every kind of audience the author types', () => {
  const table: [string, unknown][] = [
    ['全体', { kind: 'all' }],
    ['部门 101 102 含下级', { kind: 'departments', deptIds: [101, 102], includeSub: true }],
    ['部门：101、102', { kind: 'departments', deptIds: [101, 102], includeSub: false }],
    ['群 cid-a cid-b', { kind: 'groups', conversationIds: ['cid-a', 'cid-b'] }],
    ['人员 a,b a', { kind: 'users', userIds: ['a', 'b'] }],
    ['大家', undefined],
  ];
  for (const [text, want] of table) assert.equal(parseAudience(text), want, text);
});

test('reports every problem of a draft at once', () => {
  const problems = draftProblems(
    {
      title: '',
      body: 'x'.repeat(2001),
      audience: { kind: 'departments', deptIds: [], includeSub: false },
      sendAt: 5,
      link: { text: '看', url: 'ftp://x' },
      channel: 'work',
    },
    10,
  );
  assert.equal(problems, [
    '标题不能为空',
    '正文请在2000字以内（现在2001字）',
    '请至少选择一个部门',
    '链接须以 http:// 或 https:// 开头',
    '发送时间须晚于现在',
    '未配置 DINGTALK_AGENT_ID，不能发工作通知，请使用机器人消息',
  ]);
  assert.equal(draftProblems({ title: '通知', body: '正文', audience: { kind: 'all' }, channel: 'robot' }, 10), []);
});

test('send times are typed and shown in China time', () => {
  const at = parseSendTime('2026-12-31 09:00');
  assert.is(at, Date.UTC(2026, 11, 31, 1, 0));
  assert.is(sendTimeText(at!), '2026-12-31 09:00');
  assert.is(parseSendTime('2026-02-30 09:00'), undefined);
  assert.is(parseSendTime('明天'), undefined);
});

test.run();
