import { suite } from './support/suite.js';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../src/config.js';
import { TEST_DATA_KEY } from './support/harness.js';
import { findApplicationId, formatApplicationId, isApplicationId, parseApplicationId } from '../src/domain/application-id.js';

const config = suite('config: the sandbox stays local and never reaches a real back office; the application number prefix');

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.instance(error, ConfigError);
    return (error as Error).message;
  }
  return assert.unreachable('should have thrown') as never;
}

config('refuses a non-loopback HOST in sandbox mode, with the fix', () => {
  for (const host of ['0.0.0.0', '192.168.1.10', '::', 'example.org', '128.0.0.1']) {
    const message = problemsOf({ HOST: host });
    assert.match(message, 'HOST');
    assert.match(message, 'loopback');
  }
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) assert.is(loadConfig({ HOST: host }).http.host, host);
  const real = {
    DINGTALK_CLIENT_ID: 'ding',
    DINGTALK_CLIENT_SECRET: 's',
    BACKOFFICE_URL: 'https://bo.example.cn',
    BACKOFFICE_SECRET: 'k',
    DATA_KEY: TEST_DATA_KEY,
  };
  assert.is(loadConfig({ ...real, HOST: '0.0.0.0' }).http.host, '0.0.0.0', 'a real deployment may listen anywhere');
});

config('refuses BACKOFFICE_URL without DingTalk credentials, naming both variables', () => {
  const message = problemsOf({ BACKOFFICE_URL: 'https://bo.example.cn/api', BACKOFFICE_SECRET: 'k' });
  assert.match(message, 'BACKOFFICE_URL');
  assert.match(message, 'DINGTALK_CLIENT_ID');
});

config('APPLICATION_ID_PREFIX defaults to YC and must be 1–8 upper-case letters or digits starting with a letter', () => {
  assert.is(loadConfig({}).applicationIdPrefix, 'YC');
  assert.is(loadConfig({ APPLICATION_ID_PREFIX: 'HZ2' }).applicationIdPrefix, 'HZ2');
  assert.is(loadConfig({ APPLICATION_ID_PREFIX: 'ABCDEFGH' }).applicationIdPrefix, 'ABCDEFGH');
  for (const bad of ['yc', '2YC', 'ABCDEFGHI', 'Y-C', 'YÇ'])
    assert.match(problemsOf({ APPLICATION_ID_PREFIX: bad }), 'APPLICATION_ID_PREFIX');
});

config('application numbers with any configured prefix are made and read back', () => {
  assert.is(formatApplicationId('20261128', 7, 'HZ2'), 'HZ220261128-0007');
  assert.is(parseApplicationId('hz220261128-0007')?.id, 'HZ220261128-0007');
  assert.is(parseApplicationId('A1202611280001')?.id, 'A120261128-0001', 'a prefix ending in a digit keeps the day whole');
  assert.is(findApplicationId('查询 nb20261128-0012 的进度')?.id, 'NB20261128-0012');
  assert.ok(isApplicationId('HZ220261128-0007'));
  assert.is(parseApplicationId('XY20261128-0001')?.id, 'XY20261128-0001', "another deployment's prefix is still a number");
  assert.is(parseApplicationId('ABCDEFGHI20261128-0001'), undefined, 'a prefix of 9 letters is not one');
  assert.throws(() => formatApplicationId('20261128', 1, 'yc'), /prefix/);
});

config.run();
