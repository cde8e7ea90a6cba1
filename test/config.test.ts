import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../src/config.js';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const PRODUCTION = {
  DINGTALK_CLIENT_ID: 'dingabc',
  DINGTALK_CLIENT_SECRET: 's3cret',
  BACKOFFICE_URL: 'https://bo.example.cn',
  BACKOFFICE_SECRET: 'k',
};

test('runs the sandbox with defaults when no DingTalk credentials are set', () => {
  const config = loadConfig({});
  assert.is(config.sandbox, true);
  assert.is(config.dingtalk.apiBase, 'https://api.dingtalk.com');
  assert.is(config.http.port, 3000);
  assert.is(config.dataDir, './data');
  assert.is(config.dingtalk.qps, 20);
});

test('uses real DingTalk when credentials are set, robot code defaulting to the client id', () => {
  const config = loadConfig({
    DINGTALK_CLIENT_ID: 'dingabc',
    DINGTALK_CLIENT_SECRET: 's3cret',
    BACKOFFICE_URL: 'https://bo.example.cn/api/',
    BACKOFFICE_SECRET: 'k',
    DATA_KEY: KEY_A,
    ADMIN_USER_IDS: 'u1, u2,,',
  });
  assert.is(config.sandbox, false);
  assert.is(config.dingtalk.robotCode, 'dingabc');
  assert.is(config.backoffice.url, 'https://bo.example.cn/api');
  assert.equal(config.adminUserIds, ['u1', 'u2']);
});

test('names every bad variable and its fix in one error', () => {
  try {
    loadConfig({ PORT: 'abc', DINGTALK_QPS: '-1', DINGTALK_API_BASE: 'ftp://x' });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, ConfigError);
    const message = (error as Error).message;
    assert.match(message, 'PORT');
    assert.match(message, 'DINGTALK_QPS');
    assert.match(message, 'DINGTALK_API_BASE');
  }
});

test('requires the secret together with the client id', () => {
  assert.throws(
    () => loadConfig({ DINGTALK_CLIENT_ID: 'dingabc', BACKOFFICE_URL: 'http://x', BACKOFFICE_SECRET: 'k' }),
    /DINGTALK_CLIENT_SECRET/,
  );
});

test('production refuses to start without DATA_KEY and says how to make one', () => {
  assert.throws(
    () => loadConfig(PRODUCTION),
    (error: Error) => /DATA_KEY: required outside the sandbox/.test(error.message) && /openssl rand -base64 32/.test(error.message),
  );
});

test('a DATA_KEY that is not base64 of 32 bytes is refused, naming the variable', () => {
  for (const bad of ['short', Buffer.alloc(16).toString('base64'), `${KEY_A}!`]) {
    assert.throws(() => loadConfig({ ...PRODUCTION, DATA_KEY: bad }), /DATA_KEY: must be base64 of exactly 32 random bytes/, bad);
  }
  assert.throws(() => loadConfig({ ...PRODUCTION, DATA_KEY: KEY_A, DATA_KEY_PREVIOUS: 'nope' }), /DATA_KEY_PREVIOUS: must be base64/);
  assert.throws(() => loadConfig({ DATA_KEY_PREVIOUS: KEY_A }), /DATA_KEY_PREVIOUS: only valid with DATA_KEY/);
});

test('DATA_KEY and DATA_KEY_PREVIOUS become the data keys; the sandbox may leave them unset', () => {
  assert.equal(loadConfig({ ...PRODUCTION, DATA_KEY: KEY_B, DATA_KEY_PREVIOUS: KEY_A }).dataKeys, { current: KEY_B, previous: KEY_A });
  assert.is(loadConfig({}).dataKeys, undefined);
});

test.run();
