// Fails loudly when a dingtalk-stream upgrade breaks what src/dingtalk/stream-client.ts relies on.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { DWClient } from 'dingtalk-stream';
import { SUPPORTED_SDK_VERSION, YicibanStreamClient } from '../../src/dingtalk/stream-client.js';

const contract = suite('dingtalk-stream SDK contract');
const require = createRequire(import.meta.url);
const source = (name: string) => String((DWClient.prototype as unknown as Record<string, unknown>)[name]);

contract('is the SDK version the stream client was written against', () => {
  const pkgPath = require.resolve('dingtalk-stream/package.json');
  const { version } = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string };
  assert.is(version.replace(/^v/, ''), SUPPORTED_SDK_VERSION, 'review src/dingtalk/stream-client.ts before upgrading dingtalk-stream');
});

contract('connect() calls getEndpoint(), which we override to reach DINGTALK_API_BASE', () => {
  assert.type(DWClient.prototype.getEndpoint, 'function');
  assert.match(source('connect'), /this\.getEndpoint\(\)/);
  assert.match(source('connect'), /this\._connect\(\)/);
  assert.match(source('getEndpoint'), /this\.dw_url\s*=/);
});

contract('_connect() dials the private dw_url, stores the socket and feeds messages to onDownStream()', () => {
  const connect = source('_connect');
  assert.match(connect, /new WebSocket\(this\.dw_url/);
  assert.match(connect, /this\.socket\s*=/);
  assert.match(connect, /this\.onDownStream\(/);
  assert.match(connect, /this\.config\.autoReconnect/);
  assert.match(connect, /this\.config\.keepAlive/);
});

contract('autoReconnect and keepAlive are config options and our client turns both off', () => {
  const plain = new DWClient({ clientId: 'id', clientSecret: 'secret' });
  assert.is(plain.getConfig().autoReconnect, true);
  assert.is(plain.getConfig().keepAlive, false);
  const ours = new YicibanStreamClient({ clientId: 'id', clientSecret: 'secret', apiBase: 'http://127.0.0.1:9' });
  assert.is(ours.getConfig().autoReconnect, false);
  assert.is(ours.getConfig().keepAlive, false);
});

contract('CALLBACK ACKs go through socketCallBackResponse(), which wraps the result as {response}', () => {
  assert.type(DWClient.prototype.socketCallBackResponse, 'function');
  assert.match(source('socketCallBackResponse'), /response:\s*result/);
  assert.match(source('send'), /this\.socket\)?.*\.send\(/s);
});

contract('callback listeners add their topic to this client only, not to a shared default', () => {
  const a = new YicibanStreamClient({ clientId: 'id', clientSecret: 'secret', apiBase: 'http://127.0.0.1:9' });
  a.registerCallbackListener('/v1.0/im/bot/messages/get', () => undefined);
  const b = new YicibanStreamClient({ clientId: 'id', clientSecret: 'secret', apiBase: 'http://127.0.0.1:9' });
  assert.equal(b.getConfig().subscriptions, [{ type: 'EVENT', topic: '*' }]);
  assert.equal(
    a.getConfig().subscriptions.map((s) => s.topic),
    ['*', '/v1.0/im/bot/messages/get'],
  );
  assert.equal(new DWClient({ clientId: 'x', clientSecret: 'y' }).getConfig().subscriptions, [{ type: 'EVENT', topic: '*' }]);
});

contract('onDownStream() dispatches SYSTEM, EVENT and CALLBACK frames as the override expects', () => {
  const down = source('onDownStream');
  assert.match(down, /JSON\.parse\(data\)/);
  for (const name of ['onSystem', 'onEvent', 'onCallback']) assert.match(down, new RegExp(`this\\.${name}\\(`));
  assert.match(source('onCallback'), /this\.emit\(message\.headers\.topic/);
  assert.match(source('onSystem'), /"ping"/);
});

contract('bad frames are dropped by our client where the SDK alone would throw', () => {
  const drops: string[] = [];
  const client = new YicibanStreamClient({
    clientId: 'id',
    clientSecret: 'secret',
    apiBase: 'http://127.0.0.1:9',
    onBadFrame: (reason) => drops.push(reason),
  });
  assert.throws(() => new DWClient({ clientId: 'id', clientSecret: 'secret' }).onDownStream('{oops'));
  assert.throws(() => new DWClient({ clientId: 'id', clientSecret: 'secret' }).onDownStream('{"type":"CALLBACK"}'));
  client.onDownStream('{oops');
  client.onDownStream('{"type":"CALLBACK"}');
  client.onDownStream('{"type":"CALLBACK","headers":{"topic":"error","messageId":"m"},"data":"{}"}');
  client.onDownStream('x'.repeat(1_000_000));
  assert.is(drops.length, 4);
});

contract('a frame whose type cannot be turned into text is dropped, not thrown (found by test/fuzz/stream.test.ts)', () => {
  const drops: string[] = [];
  const client = new YicibanStreamClient({
    clientId: 'id',
    clientSecret: 'secret',
    apiBase: 'http://127.0.0.1:9',
    onBadFrame: (reason) => drops.push(reason),
  });
  client.onDownStream('{"type":{"toString":false},"headers":{},"data":null}');
  client.onDownStream('{"type":{"toString":{},"valueOf":{}},"headers":{"topic":"x","messageId":"m"},"data":""}');
  assert.equal(drops, ['frame type is object, not a string', 'frame type is object, not a string']);
});

contract.run();
