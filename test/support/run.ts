// `npm test`: uvu's CLI (`tsx test/support/run.ts [dir] [pattern]`), plus the checks that make a test that cannot run
// a failing test: a suite that ran fewer tests than it declared without reporting a failure (a hook threw outside
// test/support/suite.ts), a suite that threw in its teardown, and a run with no test at all fail it.
import { pathToFileURL } from 'node:url';

type Result = [errors: string | true, passed: number, skipped: number, total: number];
type Group = [name: string | null, ...runs: Array<() => Promise<Result>>];

declare global {
  var UVU_DEFER: number | undefined;
  var UVU_INDEX: number | undefined;
  var UVU_QUEUE: Group[];
}

const [dir = 'test', pattern = '\\.test\\.ts$'] = process.argv.slice(2);

// uvu must see UVU_DEFER before its first import, or every file would start running on its own.
globalThis.UVU_DEFER = 1;
const uvu = await import('uvu');
const { parse } = await import('uvu/parse');

const { suites } = await parse(dir, pattern);
for (const [index, file] of suites.entries()) {
  globalThis.UVU_INDEX = index;
  globalThis.UVU_QUEUE.push([file.name]);
  await import(pathToFileURL(file.file).href);
}

let declared = 0;
for (const group of globalThis.UVU_QUEUE) {
  for (let i = 1; i < group.length; i++) group[i] = checked(group[i] as () => Promise<Result>, group[0] ?? '');
}
await uvu.exec();

const { teardownFailures } = await import('./suite.js');
if (declared === 0) {
  console.error(`No test ran: nothing in ${dir} matches ${pattern}, or no suite called run().`);
  process.exitCode = 1;
} else if (teardownFailures.length > 0) {
  console.error(`${teardownFailures.length} after hook(s) failed:\n  ${teardownFailures.join('\n  ')}`);
  process.exitCode = 1;
}

function checked(run: () => Promise<Result>, file: string): () => Promise<Result> {
  return async () => {
    let result: Result;
    try {
      result = await run();
    } catch (error) {
      // uvu lets an after hook's error escape and would stop the whole run here.
      return [`  FAIL ${file}: a hook failed: ${(error as Error).stack ?? String(error)}\n`, 0, 0, 1];
    }
    const [errors, passed, skipped, total] = result;
    declared += total;
    if (errors === true && passed < total) {
      return [
        `  FAIL ${file}: ${total - passed} of ${total} tests did not run and none failed: a hook threw and uvu dropped the error (use test/support/suite.ts)\n`,
        passed,
        skipped,
        total,
      ];
    }
    return result;
  };
}
