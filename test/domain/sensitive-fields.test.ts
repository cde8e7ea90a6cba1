import { test } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { parseMatter } from '../../src/domain/matter.js';
import { loadMattersOrThrow } from '../../src/config-files.js';
import { isSensitiveField, sensitiveFieldKeys } from '../../src/domain/sensitive-fields.js';
import type { MatterField } from '../../src/domain/types.js';

const field = (overrides: Partial<MatterField>): MatterField => ({ key: 'f', label: '字段', type: 'text', required: true, ...overrides });

test('idcard, phone and bankcard fields are sensitive, and so is any field marked sensitive', () => {
  for (const type of ['idcard', 'phone', 'bankcard'] as const) assert.is(isSensitiveField(field({ type })), true, type);
  for (const type of ['text', 'number', 'date', 'address', 'uscc'] as const) assert.is(isSensitiveField(field({ type })), false, type);
  assert.is(isSensitiveField(field({ type: 'text', sensitive: true })), true);
});

test('住房公积金提取 asks a bank card (type bankcard) and seals its ID, card and phone answers', async () => {
  const matters = await loadMattersOrThrow('config/matters');
  const housing = matters.find((m) => m.id === 'housing-fund-withdrawal')!;
  assert.is(housing.fields.find((f) => f.key === 'bankCardNo')?.type, 'bankcard');
  assert.equal([...sensitiveFieldKeys(housing)].sort(), ['applicantIdNumber', 'bankCardNo', 'phone']);
});

test('the matter schema accepts the bankcard type and the sensitive flag, and refuses a non-boolean flag', async () => {
  const matters = await loadMattersOrThrow('config/matters');
  const base = structuredClone(matters.find((m) => m.id === 'housing-fund-withdrawal')!);
  base.fields[0] = { ...base.fields[0]!, sensitive: true };
  assert.is(parseMatter(base, 'x.json').ok, true);
  const bad = structuredClone(base) as unknown as { fields: Record<string, unknown>[] };
  bad.fields[0]!.sensitive = 'yes';
  assert.is(parseMatter(bad, 'x.json').ok, false);
});

test.run();
