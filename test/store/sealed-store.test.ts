import { test } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { DataCipher, isSealed } from '../../src/store/data-cipher.js';
import { RecordCodec } from '../../src/store/sealed-store.js';
import { TEST_DATA_KEY } from '../support/harness.js';
import { sampleApplication, sampleJob } from '../support/store-conformance.js';

const ID = '330106198503122031';
const cipher = new DataCipher({ current: TEST_DATA_KEY });
const app = sampleApplication('YC20261128-0001', {
  fields: { idNumber: ID, name: '张三便利店' },
  history: [{ at: '2026-11-28T02:00:00.000Z', actor: { type: 'applicant', id: 'user-1' }, action: 'supplement', note: `身份证号：${ID}` }],
});

test('seals the fields the catalogue names sensitive, material references and history notes; keeps what is queried', () => {
  const sealed = new RecordCodec(cipher, () => new Set(['idNumber'])).sealApplication(app);
  assert.ok(isSealed(sealed.fields.idNumber));
  assert.is(sealed.fields.name, '张三便利店');
  assert.ok(sealed.materials.every((m) => isSealed(m.ref)));
  assert.ok(isSealed(sealed.history[0]!.note));
  assert.equal([sealed.id, sealed.applicant, sealed.status, sealed.createdAt], [app.id, app.applicant, app.status, app.createdAt]);
  assert.not.match(JSON.stringify(sealed), ID);
  assert.equal(new RecordCodec(cipher).openApplication(sealed), app);
});

test('an application of a matter the catalogue does not know has every field sealed', () => {
  const sealed = new RecordCodec(cipher, () => undefined).sealApplication(app);
  assert.ok(Object.values(sealed.fields).every(isSealed));
});

test('dialog data and job payloads, errors and dead reasons are sealed whole and open back to the same JSON', () => {
  const codec = new RecordCodec(cipher);
  const dialog = { key: 'k', dialog: 'apply', version: 1, step: 'field', data: { answers: { idNumber: ID } }, updatedAt: 1, expiresAt: 2 };
  const sealedDialog = codec.sealDialog(dialog);
  assert.ok(isSealed(sealedDialog.data));
  assert.equal(codec.openDialog(sealedDialog), dialog);
  const dead = {
    ...sampleJob('job-1', { payload: { fields: { idNumber: ID } }, lastError: `HTTP 422 ${ID}` }),
    failedAt: 1,
    reason: `refused ${ID}`,
  };
  const sealedJob = codec.sealJob(dead);
  assert.not.match(JSON.stringify(sealedJob), ID);
  assert.equal(codec.openJob(sealedJob), dead);
});

test('values stored in plain before encryption are read as they are (and sealed when next written)', () => {
  const codec = new RecordCodec(cipher);
  assert.equal(codec.openApplication(app), app);
  assert.ok(isSealed(codec.sealApplication(app).fields.idNumber));
});

test.run();
