import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { escapeMarkdown, truncate } from '../../cards/markdown.js';

const markdown = suite('markdown escaping');

markdown('turns links and images into harmless text', () => {
  const out = escapeMarkdown('点击[官方通知](https://evil.example) ![x](https://e/x.png)');
  assert.not.match(out, /\[|\]\(|!\[/);
  assert.match(out, /［官方通知］（https:\/\/evil\.example）/);
});

markdown('neutralises emphasis, code, HTML tags and @-mentions', () => {
  const out = escapeMarkdown('**粗** _斜_ `代码` <font color=red>红</font> @all @16650698 ~~删~~');
  assert.not.match(out, /[*_`<>@~]/);
  assert.match(out, /＠all/);
});

markdown('neutralises headings, quotes, lists and rules at the start of lines', () => {
  const out = escapeMarkdown('# 标题\n> 引用\n- 项\n+ 项\n1. 第一\n---\n===');
  for (const line of out.split('  \n')) assert.not.match(line, /^(#|>|-|\+|\d+\.\s|=)/, line);
  assert.match(out, /1． 第一/);
});

markdown("keeps the user's line breaks as hard breaks and leaves plain Chinese text alone", () => {
  assert.is(escapeMarkdown('第一行\r\n第二行'), '第一行  \n第二行');
  assert.is(escapeMarkdown('张三，身份证号 330102199001011234。'), '张三，身份证号 330102199001011234。');
  assert.is(escapeMarkdown('a-b 3.5'), 'a-b 3.5');
});

markdown('truncates by characters, never splitting a character, ending with an ellipsis', () => {
  assert.is(truncate('一次办理', 10), '一次办理');
  assert.is(truncate('一次办理最多跑一次', 5), '一次办理…');
  assert.is(truncate('😀😀😀', 2), '😀…');
  assert.is(truncate('abc', 0), '');
});

markdown.run();
