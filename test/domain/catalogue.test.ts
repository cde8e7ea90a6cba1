import { fileURLToPath } from 'node:url';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { findMatters } from '../../src/domain/catalogue.js';
import { loadMattersOrThrow } from '../../src/config-files.js';
import type { Matter } from '../../src/domain/types.js';

const catalogue = suite('catalogue');

let matters: Matter[] = [];
catalogue.before(async () => {
  matters = await loadMattersOrThrow(fileURLToPath(new URL('../../config/matters', import.meta.url)));
});

catalogue('finds the exact matter by name, alias or id, ignoring spaces, case and punctuation', () => {
  const cases: [string, string][] = [
    ['企业开办', 'enterprise-setup'],
    [' 企业 开办！', 'enterprise-setup'],
    ['二手房过户', 'real-estate-transfer'],
    ['公积金提取', 'housing-fund-withdrawal'],
    ['Housing-Fund-Withdrawal', 'housing-fund-withdrawal'],
    ['出生一件事', 'newborn-registration'],
    ['异地就医备案', 'medical-insurance-transfer'],
  ];
  for (const [query, id] of cases) {
    const result = findMatters(matters, query);
    assert.is(result.exact?.id, id, query);
    assert.is(result.matches[0]?.id, id, query);
    assert.equal(result.suggestions, [], query);
  }
});

catalogue('ranks matters for partial words and everyday phrasing', () => {
  const cases: [string, string][] = [
    ['开公司', 'enterprise-setup'],
    ['我想开个公司', 'enterprise-setup'],
    ['公积金', 'housing-fund-withdrawal'],
    ['食品许可', 'food-business-licence'],
    ['开饭店', 'food-business-licence'],
    ['退休', 'employee-retirement'],
    ['我要卖房子', 'real-estate-transfer'],
    ['房子怎么过户', 'real-estate-transfer'],
    ['生孩子了', 'newborn-registration'],
    ['外地看病', 'medical-insurance-transfer'],
    ['个体户', 'individual-business'],
    ['开宾馆要卫生许可', 'public-place-hygiene'],
    ['自己交社保', 'flexible-employment-insurance'],
  ];
  for (const [query, id] of cases) {
    const result = findMatters(matters, query);
    assert.is(result.exact?.id, undefined, query);
    assert.is(result.matches[0]?.id, id, `${query} → ${result.matches.map((m) => m.id).join(',')}`);
    assert.equal(result.suggestions, [], query);
  }
});

catalogue('keeps every related matter, best first', () => {
  const ids = findMatters(matters, '营业执照').matches.map((m) => m.id);
  assert.equal(ids.slice(0, 2).sort(), ['enterprise-setup', 'individual-business']);
  assert.ok(findMatters(matters, '公积金').matches.some((m) => m.id === 'enterprise-setup'));
});

catalogue('suggests popular matters when nothing matches', () => {
  for (const query of ['xyz', '天气怎么样', '', '   ']) {
    const result = findMatters(matters, query);
    assert.equal(result.matches, [], query);
    assert.is(result.exact?.id, undefined, query);
    assert.equal(
      result.suggestions.map((m) => m.id),
      ['enterprise-setup', 'housing-fund-withdrawal', 'newborn-registration'],
      query,
    );
  }
  const custom = findMatters(matters, 'xyz', { popular: ['employee-retirement', 'unknown'], suggestionCount: 2 });
  assert.equal(
    custom.suggestions.map((m) => m.id),
    ['employee-retirement', matters[0]!.id === 'employee-retirement' ? matters[1]!.id : matters[0]!.id],
  );
});

catalogue('does not match on filler words alone', () => {
  assert.equal(findMatters(matters, '我想办理一下').matches, []);
});

catalogue('does not match text that names no matter on one shared word (minimum coverage)', () => {
  for (const query of ['投诉 YC20261128-0001 窗口人员态度差', '窗口人员态度差', '工作人员服务很好', '我要投诉']) {
    assert.equal(
      findMatters(matters, query).matches.map((m) => m.id),
      [],
      query,
    );
  }
  assert.is(findMatters(matters, '灵活就业人员').matches[0]?.id, 'flexible-employment-insurance', 'the words of a matter still find it');
  assert.is(
    findMatters(matters, '咨询 公积金 怎么提取').matches[0]?.id,
    'housing-fund-withdrawal',
    'a keyword inside a longer text still counts',
  );
});

catalogue.run();
