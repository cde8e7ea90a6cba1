import { fileURLToPath } from 'node:url';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { checkCompleteness } from '../../src/domain/completeness.js';
import { loadMattersOrThrow } from '../../src/config-files.js';
import type { MaterialSubmission, Matter } from '../../src/domain/types.js';

const completeness = suite('completeness');

let enterprise: Matter;
completeness.before(async () => {
  const matters = await loadMattersOrThrow(fileURLToPath(new URL('../../config/matters', import.meta.url)));
  const found = matters.find((matter) => matter.id === 'enterprise-setup');
  if (!found) throw new Error('seed matter enterprise-setup is missing');
  enterprise = found;
});

const completeFields = {
  companyName: '杭州云帆科技有限公司',
  companyType: '有限责任公司（自然人独资）',
  legalRepName: '张三',
  legalRepIdNumber: '11010519491231002X',
  registeredCapital: '100',
  registeredAddress: '杭州市西湖区文三路100号3幢201室',
  premisesType: '租赁房屋',
  phone: '13800138000',
};
const supplied: MaterialSubmission[] = [
  { id: 'legal-rep-id', name: '法定代表人居民身份证', source: 'elicence', ref: '330106199003071234', origin: '浙江省电子证照库' },
  { id: 'articles', name: '公司章程', source: 'upload', ref: 'media-1', fileName: '章程.pdf' },
  { id: 'premises-lease', name: '住所租赁合同', source: 'promised', ref: 'commitment-1' },
];

completeness('finds nothing missing in a complete draft, 容缺 promise included', () => {
  assert.equal(checkCompleteness(enterprise, { fields: completeFields, materials: supplied }), []);
});

completeness('lists every missing field and material at once, in template order, with how to fix each', () => {
  const missing = checkCompleteness(enterprise, { fields: { companyName: '杭州云帆科技有限公司', phone: '13800138000' }, materials: [] });
  assert.equal(missing, [
    { name: '企业类型', reason: '请填写「企业类型」' },
    { name: '法定代表人姓名', reason: '请填写「法定代表人姓名」' },
    { name: '法定代表人身份证号', reason: '请填写「法定代表人身份证号」' },
    { name: '注册资本（万元）', reason: '请填写「注册资本（万元）」' },
    { name: '住所（经营场所）', reason: '请填写「住所（经营场所）」' },
    { name: '住所类型', reason: '请填写「住所类型」' },
    { name: '法定代表人居民身份证', reason: '请上传法定代表人居民身份证或授权调取电子证照' },
    { name: '公司章程', reason: '请上传公司章程' },
    // Without a company type nothing says a one-person company: the shareholder resolution applies.
    { name: '股东会决议', reason: '请上传股东会决议' },
  ]);
});

completeness('re-validates stored answers so forged or stale values do not pass', () => {
  const fields = { ...completeFields, legalRepIdNumber: '110105194912310021', companyType: '合伙企业', phone: '12345' };
  const missing = checkCompleteness(enterprise, { fields, materials: supplied });
  assert.equal(missing, [
    {
      name: '企业类型',
      reason:
        '「企业类型」请从以下选项中选择（可回复序号）：1. 有限责任公司（自然人独资）；2. 有限责任公司（自然人投资或控股）；3. 股份有限公司，请重新填写',
    },
    { name: '法定代表人身份证号', reason: '「法定代表人身份证号」身份证号校验位不正确，请重新填写' },
    { name: '联系手机', reason: '「联系手机」手机号应为以1开头的11位大陆手机号码，请重新填写' },
    { name: '股东会决议', reason: '请上传股东会决议' },
  ]);
});

completeness('counts a 容缺 promise only for materials that allow it, and e-licences only where one exists', () => {
  const materials: MaterialSubmission[] = [
    { id: 'legal-rep-id', name: '法定代表人居民身份证', source: 'promised', ref: 'commitment-2' },
    { id: 'articles', name: '公司章程', source: 'elicence', ref: 'fake-licence' },
    { id: 'premises-lease', name: '住所租赁合同', source: 'upload', ref: '' },
  ];
  assert.equal(checkCompleteness(enterprise, { fields: completeFields, materials }), [
    { name: '法定代表人居民身份证', reason: '法定代表人居民身份证不支持容缺受理，请上传法定代表人居民身份证或授权调取电子证照' },
    { name: '公司章程', reason: '公司章程没有电子证照，请上传公司章程' },
    { name: '住所租赁合同', reason: '请上传住所租赁合同；也可先承诺后补交（容缺受理）' },
  ]);
});

completeness('ignores optional materials and empty optional fields but reports an invalid optional answer', () => {
  const withOptional = {
    ...enterprise,
    fields: [...enterprise.fields, { key: 'openingDate', label: '拟开业日期', type: 'date' as const, required: false }],
  };
  assert.equal(checkCompleteness(withOptional, { fields: { ...completeFields, openingDate: '' }, materials: supplied }), []);
  assert.equal(checkCompleteness(withOptional, { fields: { ...completeFields, openingDate: '2025-02-30' }, materials: supplied }), [
    { name: '拟开业日期', reason: '「拟开业日期」日期 2025-02-30 不存在，请重新填写' },
  ]);
});

completeness('does not read inherited properties as answers', () => {
  const fields = Object.create({ companyType: '股份有限公司' }) as Record<string, string>;
  Object.assign(fields, completeFields);
  delete fields.companyType;
  const missing = checkCompleteness(enterprise, { fields, materials: supplied });
  assert.equal(missing, [
    { name: '企业类型', reason: '请填写「企业类型」' },
    { name: '股东会决议', reason: '请上传股东会决议' },
  ]);
});

completeness.run();
