import { createHmac } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { sign, signedHeaders, verify } from '../../src/backoffice/signature.js';

const test = suite('back-office signature');

const secret = 'bo-secret';
const now = 1_795_000_000_000;
const body = '{"eventId":"e1","status":"accepted","note":"材料齐全"}';

function headersFor(timestamp: number, signature = sign(secret, timestamp, body)) {
  return { 'x-yiciban-timestamp': String(timestamp), 'x-yiciban-signature': signature };
}

test('signs timestamp + "." + raw body with HMAC-SHA256 as sha256=<hex>', () => {
  const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
  assert.is(sign(secret, now, body), `sha256=${expected}`);
  assert.is(sign(secret, now, Buffer.from(body)), `sha256=${expected}`);
  assert.equal(signedHeaders(secret, now, body), { 'X-Yiciban-Timestamp': String(now), 'X-Yiciban-Signature': `sha256=${expected}` });
});

test('accepts a fresh, correctly signed body', () => {
  assert.equal(verify(secret, headersFor(now - 1_000), body, now), { status: 'valid', timestamp: now - 1_000 });
  assert.equal(verify(secret, headersFor(now + 4 * 60_000), body, now).status, 'valid');
});

test('rejects a signature made with another secret or over other bytes', () => {
  assert.equal(verify(secret, headersFor(now, sign('guess', now, body)), body, now), { status: 'invalid', reason: 'signature_mismatch' });
  assert.equal(verify(secret, headersFor(now), body.replace('accepted', 'completed'), now), {
    status: 'invalid',
    reason: 'signature_mismatch',
  });
  assert.equal(verify(secret, headersFor(now), `${body} `, now).status, 'invalid');
});

test('rejects a signature replayed with another timestamp', () => {
  const replayed = { 'x-yiciban-timestamp': String(now), 'x-yiciban-signature': sign(secret, now - 10, body) };
  assert.equal(verify(secret, replayed, body, now), { status: 'invalid', reason: 'signature_mismatch' });
});

test('rejects timestamps more than five minutes old or ahead', () => {
  assert.equal(verify(secret, headersFor(now - 5 * 60_000 - 1), body, now), { status: 'invalid', reason: 'stale_timestamp' });
  assert.equal(verify(secret, headersFor(now + 5 * 60_000 + 1), body, now), { status: 'invalid', reason: 'future_timestamp' });
  assert.equal(verify(secret, headersFor(now - 30_000), body, now, 10_000), { status: 'invalid', reason: 'stale_timestamp' });
});

test('rejects missing, malformed and wrong-length headers without throwing', () => {
  const cases: [Record<string, string>, string][] = [
    [{ 'x-yiciban-signature': sign(secret, now, body) }, 'missing_timestamp'],
    [{ 'x-yiciban-timestamp': 'yesterday', 'x-yiciban-signature': sign(secret, now, body) }, 'bad_timestamp'],
    [{ 'x-yiciban-timestamp': String(now) }, 'missing_signature'],
    [headersFor(now, sign(secret, now, body).slice(0, -2)), 'malformed_signature'],
    [headersFor(now, `${sign(secret, now, body)}00`), 'malformed_signature'],
    [headersFor(now, sign(secret, now, body).replace('sha256=', 'sha1=')), 'malformed_signature'],
    [headersFor(now, `sha256=${'zz'.repeat(32)}`), 'malformed_signature'],
  ];
  for (const [headers, reason] of cases) assert.equal(verify(secret, headers, body, now), { status: 'invalid', reason }, reason);
});

test.run();
