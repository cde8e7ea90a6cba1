// The test runner itself (test/support/run.ts): a test that cannot run is a failing test. Each fixture under
// test/fixtures/runner/ (not named *.test.ts, so `npm test` skips them) runs through the runner as a child process.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { suite } from './support/suite.js';

const test = suite('test runner');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

interface Run {
  code: number;
  output: string;
}

function runFixture(pattern: string): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
    execFile(TSX, ['test/support/run.ts', 'test/fixtures/runner', pattern], { cwd: ROOT, env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}

const totals = (output: string) => ({
  total: Number(/Total:\s+(\d+)/.exec(output)?.[1]),
  passed: Number(/Passed:\s+(\d+)/.exec(output)?.[1]),
});

test('fails the run, with the message, when a before hook throws', async () => {
  const run = await runFixture('^before-hook-throws\\.ts$');
  assert.is.not(run.code, 0, run.output);
  assert.match(run.output, 'port 5432 is already in use');
  assert.match(run.output, 'set-up of "set-up that throws" failed');
  assert.equal(totals(run.output), { total: 1, passed: 0 });
});

test('fails the run when a suite built on plain uvu drops a before hook error', async () => {
  const run = await runFixture('^plain-uvu-before-throws\\.ts$');
  assert.is.not(run.code, 0, run.output);
  assert.match(run.output, '1 of 1 tests did not run and none failed');
});

test('fails the test whose after.each throws and still runs the rest', async () => {
  const run = await runFixture('^after-each-throws\\.ts$');
  assert.is.not(run.code, 0, run.output);
  assert.match(run.output, 'page still open');
  assert.equal(totals(run.output), { total: 2, passed: 1 });
});

test('fails the run when an after hook throws', async () => {
  const run = await runFixture('^after-throws\\.ts$');
  assert.is.not(run.code, 0, run.output);
  assert.match(run.output, 'server would not close');
});

test('fails the run when no test matches', async () => {
  const run = await runFixture('^no-such-file\\.ts$');
  assert.is.not(run.code, 0, run.output);
  assert.match(run.output, 'No test ran');
});

test('passes a passing file', async () => {
  const run = await runFixture('^passes\\.ts$');
  assert.is(run.code, 0, run.output);
  assert.equal(totals(run.output), { total: 1, passed: 1 });
});

test.run();
