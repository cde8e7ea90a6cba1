// CSV cells: quoted text, doubled quotes, line breaks kept inside quotes, formula-like text neutralised.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { csvCell, percentCell, toCsv } from '../../src/admin/csv.js';

const test = suite('admin: CSV export');

test('quotes text, doubles quotes and neutralises what a spreadsheet would run', () => {
  for (const [value, cell] of <[string | number | undefined, string][]>[
    ['办结', '"办结"'],
    ['他说"好"', '"他说""好"""'],
    ['a,b\r\nc', '"a,b\r\nc"'],
    ['=1+1', `"'=1+1"`],
    ['+86 138', `"'+86 138"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=cmd', `"'\t=cmd"`],
    ['a=1', '"a=1"'],
    [-1, '-1'],
    [0.5, '0.5'],
    [undefined, ''],
  ]) {
    assert.is(csvCell(value), cell, String(value));
  }
});

test('a document starts with the BOM and ends each line with CRLF', () => {
  const text = toCsv(
    [
      { header: '名称', value: (r: { n: string; v: number }) => r.n },
      { header: '数', value: (r) => r.v },
    ],
    [{ n: '甲', v: 1 }],
  );
  assert.is(text, '\uFEFF"名称","数"\r\n"甲",1\r\n');
  assert.equal([percentCell(0.875), percentCell(0), percentCell(1)], ['87.5%', '0%', '100%']);
});

test.run();
