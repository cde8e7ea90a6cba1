import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { loadSandboxOrg } from '../../src/sandbox/dingtalk/index.js';

const test = suite('sandbox organisation (config/sandbox/org.json)');
const org = loadSandboxOrg();

// GB 11643: ISO 7064 MOD 11-2 over the first 17 digits.
function idCardCheck(body: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, digit, i) => acc + Number(digit) * (weights[i] as number), 0);
  return '10X98765432'[sum % 11] as string;
}

// GB 32100: 31-character alphabet, weights 3^i mod 31; the embedded organisation code has its own GB 11714 check.
const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function creditCodeCheck(body: string): string {
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...body].reduce((acc, ch, i) => acc + USCC.indexOf(ch) * (weights[i] as number), 0);
  return USCC[(31 - (sum % 31)) % 31] as string;
}
function orgCodeCheck(body: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const value = (ch: string) => (/\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55);
  const c = 11 - ([...body].reduce((acc, ch, i) => acc + value(ch) * (weights[i] as number), 0) % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

test('every citizen and clerk has an 18-digit ID number with a correct check digit and a real birth date', () => {
  const people = org.users.filter((u) => u.roles.includes('citizen') || u.roles.includes('clerk'));
  assert.ok(people.length >= 5);
  for (const person of people) {
    const id = person.identity?.idCard ?? '';
    assert.match(id, /^\d{17}[\dX]$/, person.userid);
    assert.is(id[17], idCardCheck(id.slice(0, 17)), `${person.userid} check digit`);
    const birth = new Date(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}T00:00:00Z`);
    assert.ok(!Number.isNaN(birth.getTime()) && birth.getUTCFullYear() > 1930, `${person.userid} birth date`);
  }
});

test('every company has a 统一社会信用代码 whose check character and organisation code are correct', () => {
  const companies = org.users.flatMap((u) => (u.identity?.company ? [u.identity.company] : []));
  assert.ok(companies.length >= 1);
  for (const company of companies) {
    const code = company.creditCode;
    assert.match(code, /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, company.name);
    assert.is(code[17], creditCodeCheck(code.slice(0, 17)), `${company.name} check character`);
    assert.is(code[16], orgCodeCheck(code.slice(8, 16)), `${company.name} organisation code`);
  }
});

test('has the people other parts rely on, with the right roles', () => {
  const roleOf = (id: string) => org.users.find((u) => u.userid === id)?.roles ?? [];
  for (const id of ['citizen-zhang', 'citizen-li', 'citizen-wang']) assert.ok(roleOf(id).includes('citizen'), id);
  for (const id of ['clerk-chen', 'clerk-zhao']) assert.ok(roleOf(id).includes('clerk'), id);
  for (const code of ['scjg', 'sw', 'rs', 'gjj', 'bdc', 'ga', 'wsjk', 'yb', 'zjj'])
    assert.ok(roleOf(`reviewer-${code}`).includes('reviewer'), code);
  assert.ok(roleOf('admin-liu').includes('admin'));
  assert.is(org.users.find((u) => u.userid === 'admin-liu')?.isAdmin, true);
  assert.ok(roleOf('broadcaster-sun').includes('broadcaster'));
  assert.is(new Set(org.users.map((u) => u.userid)).size, org.users.length, 'user ids are unique');
});

test('departments form one tree under root 1 and every reference points at something that exists', () => {
  const ids = new Set(org.departments.map((d) => d.dept_id));
  assert.ok(ids.has(1));
  for (const dept of org.departments) if (dept.dept_id !== 1) assert.ok(ids.has(dept.parent_id as number), dept.name);
  for (const user of org.users) for (const id of user.dept_id_list) assert.ok(ids.has(id), `${user.userid} → ${id}`);
  const users = new Set(org.users.map((u) => u.userid));
  assert.ok(org.groups.length >= 2);
  for (const group of org.groups) {
    assert.match(group.id, /^cid-group-/);
    for (const member of group.members) assert.ok(users.has(member), `${group.id} → ${member}`);
  }
});

test.run();
