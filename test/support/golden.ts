// Golden JSON files for card builders: compare with test/fixtures/cards/<name>.json, or rewrite them
// when UPDATE_GOLDEN=1 (then review the diff before committing).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';

const DIR = join('test', 'fixtures', 'cards');

/** Asserts that `value` equals the stored golden JSON `name`. */
export function assertGolden(name: string, value: unknown): void {
  const file = join(DIR, `${name}.json`);
  const json = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, json);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1 to create it`);
  assert.equal(JSON.parse(json), JSON.parse(readFileSync(file, 'utf8')), `card differs from ${file} (UPDATE_GOLDEN=1 rewrites it)`);
}
