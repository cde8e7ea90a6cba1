// Small helpers shared by the benches: percentiles, number formatting, CLI entry detection.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The p-th percentile (0–100) by the nearest-rank method; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `value` with `digits` decimals, right-aligned to `width`. */
export function fixed(value: number, digits: number, width = 0): string {
  return (Number.isFinite(value) ? value.toFixed(digits) : '—').padStart(width);
}

/** True when this module is the program node was started with (a bench's CLI entry, not an import). */
export function isMain(moduleUrl: string): boolean {
  const started = process.argv[1];
  if (!started) return false;
  // Node reports the main module by its real path; argv[1] may be relative or go through a symlink.
  return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(resolve(started));
}
