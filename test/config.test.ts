import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../src/config.js';

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
  assert.throws(() => loadConfig({ DINGTALK_CLIENT_ID: 'dingabc', BACKOFFICE_URL: 'http://x', BACKOFFICE_SECRET: 'k' }), /DINGTALK_CLIENT_SECRET/);
});

test.run();
