// Shared parts of the fuzz tests (test/fuzz-*.test.ts): one fixed seed (FUZZ_SEED overrides it; fast-check
// prints the seed and the shrunk counterexample on failure), generators of hostile input, and the checks that
// the bot survived: no uncaught error, health and a normal 帮助 still answered, the store reopens.
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import type { Harness } from './harness.js';
import { SimPlayer } from './sim-player.js';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261206);

/** fast-check parameters: the fixed seed and `numRuns` generated cases (FUZZ_SHRINK=0 reports the first failure unshrunk). */
export const runs = (numRuns: number): fc.Parameters<unknown> => ({
  seed: FUZZ_SEED,
  numRuns,
  includeErrorInReport: true,
  ...(process.env.FUZZ_SHRINK === '0' ? { endOnFailure: true } : {}),
});

/** Strings people and attackers send: any unicode, lone surrogates, control and bidi characters, huge, "magic". */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string(), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme' }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 2 },
  {
    arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\u200b', '\u202e', '\ufeff', '\r\n', '１', '帮', '"', '\\', '%', '{') }),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '帮助',
      '查询',
      '申请',
      '撤回',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '../../etc/passwd',
      '%2e%2e%2f',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style probe, meant as literal text.
      '${jndi:x}',
      '<script>alert(1)</script>',
      'null',
      '[]',
      '{}',
      'NaN',
      '1e309',
      '-0',
    ),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(1_000, 70_000, 300_000).map((n) => '字'.repeat(n)), weight: 1 },
);

/** Any JSON value, including odd strings in it. */
export const oddJson: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
  { arbitrary: oddText, weight: 1 },
  { arbitrary: fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 53 + 1, [], {}, [[[]]]), weight: 1 },
);

/** Text that may be JSON, almost JSON, or nothing like it. */
export const oddBody: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 3 }),
  oddText,
  fc.json({ maxDepth: 2 }).map((json) => json.slice(0, Math.max(0, json.length - 1))),
  fc.constantFrom('{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"a":1,"a":2}', '\ufeff{}', '{'),
);

/** `base` with a few fields dropped, a few replaced by odd values, and maybe an odd extra field. */
export function mutated<T extends Record<string, unknown>>(base: T): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(base);
  return fc
    .tuple(
      fc.array(fc.constantFrom(...keys), { maxLength: 2 }),
      fc.array(fc.tuple(fc.constantFrom(...keys), oddJson), { maxLength: 3 }),
      fc.dictionary(oddText, oddJson, { maxKeys: 2 }),
    )
    .map(([dropped, replaced, extra]) => {
      const out: Record<string, unknown> = { ...base, ...extra };
      for (const key of dropped) delete out[key];
      for (const [key, value] of replaced) out[key] = value;
      return out;
    });
}

/** Uncaught exceptions and unhandled rejections while `watch` runs (each one is a crash in production). */
export function watchCrashes(): { crashes: string[]; stop: () => void } {
  const crashes: string[] = [];
  const record = (error: unknown) => crashes.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    crashes,
    stop: () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}

/** The bot still works: health is green, and a citizen who types 帮助 gets an answer. */
export async function assertBotAnswers(h: Harness, userId = 'citizen-li'): Promise<void> {
  const health = await fetch(`${h.app.url}/healthz`);
  assert.is(health.status, 200, 'health check after fuzzing');
  const before = h.dingtalk.botOutput({ userId }).length;
  await new SimPlayer(h, userId).say('帮助');
  assert.ok(h.dingtalk.botOutput({ userId }).length > before, 'an answer to 帮助 after fuzzing');
}

/** Restarts the bot on the same DATA_DIR (the store must load what the fuzzing left) and reads the store. */
export async function assertStoreReloads(h: Harness): Promise<void> {
  await h.restart();
  await h.app.store.ping();
  await h.app.store.deadJobs();
  await h.app.store.dueJobs(Number.MAX_SAFE_INTEGER, 10);
}

/** Error log lines that point at a bug: everything at error level except DingTalk or the back office refusing a call. */
export function bugLogs(logs: Record<string, unknown>[]): Record<string, unknown>[] {
  return logs.filter((line) => Number(line.level) >= 50 && (line.err as { type?: string } | undefined)?.type !== 'ExternalError');
}
