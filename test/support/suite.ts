// uvu's `suite`, except that a failing hook fails the run. uvu 0.5.6 runs hooks inside a `try` whose `finally`
// returns, so an error thrown by `before` (no browser, no database, a port in use) is dropped: the suite runs no
// test and the run stays green. Here such an error fails every test of the suite with its message instead.
import { suite as uvuSuite, type Callback, type Test } from 'uvu';

type Context = Record<string, any>;

/** `after` hooks that threw, for the runner and the exit code (no test is left to fail at that point). */
export const teardownFailures: string[] = [];

process.on('exit', () => {
  if (teardownFailures.length > 0) process.exitCode = 1;
});

/** Like uvu's `suite`; `before` failures fail each test, `before.each`/`after.each` failures fail their test. */
export function suite<T = Context>(name = '', context?: T): Test<T> {
  const inner = uvuSuite<T>(name, context);
  const before: Callback<T>[] = [];
  const beforeEach: Callback<T>[] = [];
  const afterEach: Callback<T>[] = [];
  const after: Callback<T>[] = [];
  let setUpError: unknown;

  inner.before(async (ctx) => {
    try {
      for (const hook of before) await hook(ctx);
    } catch (error) {
      setUpError = error;
    }
  });
  inner.after(async (ctx) => {
    for (const hook of after) {
      try {
        await hook(ctx);
      } catch (error) {
        const line = `${name || 'test'}: after hook failed: ${describe(error)}`;
        teardownFailures.push(line);
        process.stderr.write(`\n  FAIL ${line}\n`);
      }
    }
  });

  // Each hooks run inside the test so that their errors fail it; uvu runs a throwing after.each twice and then
  // drops the rest of the suite.
  const wrap =
    (test: Callback<T>): Callback<T> =>
    async (ctx) => {
      if (setUpError !== undefined) throw setUpFailed(name, setUpError);
      let failure: { error: unknown } | undefined;
      try {
        for (const hook of beforeEach) await hook(ctx);
        await test(ctx);
      } catch (error) {
        failure = { error };
      }
      for (const hook of afterEach) {
        try {
          await hook(ctx);
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    };

  const test = ((title: string, handler: Callback<T>) => inner(title, wrap(handler))) as Test<T>;
  test.only = (title, handler) => inner.only(title, wrap(handler));
  test.skip = (title, handler) => inner.skip(title, handler);
  test.before = Object.assign((hook: Callback<T>) => void before.push(hook), { each: (hook: Callback<T>) => void beforeEach.push(hook) });
  test.after = Object.assign((hook: Callback<T>) => void after.push(hook), { each: (hook: Callback<T>) => void afterEach.push(hook) });
  test.run = () => inner.run();
  return test;
}

/** uvu's unnamed top-level suite, with the same hook handling. */
export const test = suite();

function setUpFailed(name: string, cause: unknown): Error {
  const error = new Error(`set-up of "${name || 'test'}" failed (before hook), so this test could not run: ${describe(cause)}`, { cause });
  if (cause instanceof Error && cause.stack) error.stack = `Error: ${error.message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  return error;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
