// Which matter did the person mean? One clear match, several to choose from, or none (with suggestions).
import { findMatters, score } from '../src/domain/catalogue.js';
import type { Matter } from '../src/domain/types.js';

export type MatterPick =
  | { status: 'one'; matter: Matter }
  | { status: 'many'; matches: Matter[] }
  | { status: 'none'; suggestions: Matter[] };

/** An exact name, a single match, or a first match scoring at least twice the second counts as one. */
export function pickMatter(matters: readonly Matter[], words: string): MatterPick {
  const found = findMatters(matters, words);
  if (found.exact) return { status: 'one', matter: found.exact };
  const [first, second] = found.matches;
  if (!first) return { status: 'none', suggestions: found.suggestions };
  if (!second) return { status: 'one', matter: first };
  const query = words
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
  return score(first, query) >= 2 * score(second, query) ? { status: 'one', matter: first } : { status: 'many', matches: found.matches };
}
