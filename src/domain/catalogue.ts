// Finding a matter from what an applicant types ("开公司", "公积金", "食品许可", "退休"):
// exact name/alias/id first, then a score from substrings and shared Chinese characters and bigrams.
import type { Matter } from './types.js';

/** Result of a search: the exact match if any, ranked matches, and popular matters when nothing matched. */
export interface MatterSearch {
  exact?: Matter;
  matches: Matter[];
  suggestions: Matter[];
}

export interface FindOptions {
  /** Ids suggested when nothing matches; default: a few of the most asked-for matters. */
  popular?: string[];
  /** How many suggestions to give (default 3). */
  suggestionCount?: number;
}

/**
 * A match on shared words alone needs them to make up at least half of what the query says (its Han characters
 * that are not filler): "窗口人员态度差" shares only "人员" with 灵活就业人员参保登记 and must not open its guide,
 * while "我想开个公司" is all 公司 and 开. A name, alias or keyword inside the query (or the other way) always counts.
 */
export const MIN_COVERAGE = 0.5;

/** The least score that counts as a match at all. */
export const MIN_SCORE = 4;

const DEFAULT_POPULAR = ['enterprise-setup', 'housing-fund-withdrawal', 'newborn-registration', 'real-estate-transfer'];

// Characters of polite or generic phrasing that say nothing about which matter is meant.
const FILLER = new Set([...'我想要需你好请问怎么样如何去哪里在办理的了吗呢吧啊个一下帮申报登记事项手续']);

/** Searches `matters` for `query`; pure, ties keep catalogue order. */
export function findMatters(matters: readonly Matter[], query: string, options: FindOptions = {}): MatterSearch {
  const wanted = normalise(query);
  const exact = wanted === '' ? undefined : matters.find((matter) => names(matter).some((name) => normalise(name) === wanted));
  const scored = matters
    .map((matter, index) => ({ matter, index, score: matter === exact ? Infinity : score(matter, wanted) }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const matches = scored.map((entry) => entry.matter);
  const suggestions = matches.length > 0 ? [] : popular(matters, options);
  return exact ? { exact, matches, suggestions } : { matches, suggestions };
}

/** Relevance of a matter to an already normalised query; 0 = unrelated. */
export function score(matter: Matter, wanted: string): number {
  if (wanted === '') return 0;
  let total = 0;
  const name = normalise(matter.name);
  const aliases = matter.aliases.map(normalise);
  const keywords = matter.keywords.map(normalise);
  if (name.includes(wanted)) total += 100;
  if (aliases.some((alias) => alias.includes(wanted))) total += 90;
  if (keywords.some((keyword) => keyword.includes(wanted))) total += 80;
  // The query may say more than the keyword: "我想开公司" contains the keyword "开公司".
  const contained = [name, ...aliases, ...keywords].filter((term) => term.length >= 2 && wanted.includes(term));
  total += contained.reduce((sum, term) => sum + 20 * term.length, 0);
  const haystack = [name, ...aliases, ...keywords].join('|');
  const named = total > 0;
  for (const bigram of bigrams(wanted)) if (haystack.includes(bigram)) total += 10;
  const chars = [...new Set(wanted)].filter((char) => !FILLER.has(char) && isHan(char));
  const shared = chars.filter((char) => haystack.includes(char));
  total += 2 * shared.length;
  if (!named && shared.length < MIN_COVERAGE * chars.length) return 0;
  return total >= MIN_SCORE ? total : 0;
}

function names(matter: Matter): string[] {
  return [matter.name, matter.id, ...matter.aliases];
}

function popular(matters: readonly Matter[], options: FindOptions): Matter[] {
  const count = options.suggestionCount ?? 3;
  const ids = options.popular ?? DEFAULT_POPULAR;
  const picked = ids.flatMap((id) => matters.filter((matter) => matter.id === id));
  const rest = matters.filter((matter) => !picked.includes(matter));
  return [...picked, ...rest].slice(0, count);
}

// Lower-case, full-width to half-width, and no spaces or punctuation, so "企业 开办！" equals "企业开办".
function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

function bigrams(text: string): string[] {
  const chars = [...text];
  const result: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) {
    const pair = `${chars[i]}${chars[i + 1]}`;
    if (![...pair].every((char) => FILLER.has(char))) result.push(pair);
  }
  return result;
}

function isHan(char: string): boolean {
  return /\p{Script=Han}/u.test(char);
}
