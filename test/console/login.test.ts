import * as assert from 'uvu/assert';
import path from 'node:path';
import { loadMattersOrThrow } from '../../src/config-files.js';
import { consoleUserOf, contactDepartment, isStillAllowed, type LoginOptions } from '../../src/console/login.js';
import type { Matter } from '../../src/domain/types.js';
import { HttpError } from '../../src/http/errors.js';
import { ROOT } from '../support/browser.js';
import { suite } from '../support/suite.js';

const test = suite<{ matters: Matter[] }>('console: who may log in, and for how long');

test.before(async (context) => {
  context.matters = await loadMattersOrThrow(path.join(ROOT, 'config/matters'));
});

function options(matters: Matter[], overrides: Partial<LoginOptions> = {}): LoginOptions {
  return {
    adminUserIds: ['admin-liu'],
    adminToken: 'the-token',
    matters: () => matters,
    userOfAuthCode: async (code) => ({ userId: code, name: `名字 ${code}` }),
    ...overrides,
  };
}

async function refusal(run: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await run;
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

test('admins, department contacts and the token holder get their roles; anybody else is refused in Chinese', async ({ matters }) => {
  const o = options(matters);
  assert.equal(await consoleUserOf(o, { authCode: 'admin-liu' }), { userId: 'admin-liu', name: '名字 admin-liu', role: 'admin' });
  assert.equal(await consoleUserOf(o, { authCode: 'reviewer-scjg' }), {
    userId: 'reviewer-scjg',
    name: '名字 reviewer-scjg',
    role: 'department',
    department: { id: 'scjg', name: '市场监督管理局' },
  });
  const token = await consoleUserOf(o, { token: 'the-token' });
  assert.is(token.role, 'admin');
  assert.type(token.tokenId, 'string');
  assert.not.ok(JSON.stringify(token).includes('the-token'), 'the token itself is not kept');
  const citizen = await refusal(consoleUserOf(o, { authCode: 'citizen-zhang' }));
  assert.is(citizen.status, 403);
  assert.match(citizen.message, /没有控制台的使用权限/);
  assert.is((await refusal(consoleUserOf(o, { token: 'other' }))).status, 401);
  assert.is((await refusal(consoleUserOf(options(matters, { adminToken: undefined }), { token: 'the-token' }))).status, 401);
  assert.is((await refusal(consoleUserOf(o, {}))).status, 400);
});

test('a session lasts only while its rights do: admin list, department contact, the same token', async ({ matters }) => {
  const o = options(matters);
  const admin = await consoleUserOf(o, { authCode: 'admin-liu' });
  const contact = await consoleUserOf(o, { authCode: 'reviewer-scjg' });
  const token = await consoleUserOf(o, { token: 'the-token' });
  for (const user of [admin, contact, token]) assert.ok(isStillAllowed(o, user), user.userId);
  assert.not.ok(isStillAllowed(options(matters, { adminUserIds: [] }), admin), 'removed from ADMIN_USER_IDS');
  assert.not.ok(isStillAllowed(options(matters, { adminToken: 'a-new-token' }), token), 'ADMIN_TOKEN changed');
  assert.not.ok(isStillAllowed(options(matters, { adminToken: undefined }), token), 'ADMIN_TOKEN unset');
  const withoutScjg = matters.map((m) => ({
    ...m,
    departments: m.departments.map((d) => ({ ...d, contactUserIds: d.contactUserIds.filter((id) => id !== 'reviewer-scjg') })),
  }));
  assert.not.ok(isStillAllowed(options(withoutScjg), contact), 'no longer a contact');
  assert.is(contactDepartment(withoutScjg, 'reviewer-scjg'), undefined);
});

test.run();
