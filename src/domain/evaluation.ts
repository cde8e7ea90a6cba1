// 好差评 (GB/T 39735): the five levels of an evaluation, which of them are 差评, and how a level is read back.
import type { Evaluation } from './types.js';

export type EvaluationLevel = Evaluation['level'];

/** The five levels of 好差评, best first. */
export const EVALUATION_LEVELS: readonly { level: EvaluationLevel; label: string }[] = [
  { level: 5, label: '非常满意' },
  { level: 4, label: '满意' },
  { level: 3, label: '基本满意' },
  { level: 2, label: '不满意' },
  { level: 1, label: '非常不满意' },
];

/** Ratings at or below this are 差评: the bot asks why and tells the admins (差评整改). */
export const BAD_LEVEL_MAX = 2;

/** Longest reason accepted for a 差评, in characters. */
export const REASON_MAX_CHARS = 200;

/** The name of a level ('满意'), or the number itself when it is not one. */
export function evaluationLabel(level: number): string {
  return EVALUATION_LEVELS.find((l) => l.level === level)?.label ?? String(level);
}

/** Reads a level as typed or posted back: '1'…'5' or a level's name; undefined otherwise. */
export function parseEvaluationLevel(text: string): EvaluationLevel | undefined {
  const trimmed = text.normalize('NFKC').trim();
  if (/^[1-5]$/.test(trimmed)) return Number(trimmed) as EvaluationLevel;
  return EVALUATION_LEVELS.find((l) => l.label === trimmed)?.level;
}
