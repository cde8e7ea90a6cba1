// Helpers for putting untrusted text (names, user answers, back-office comments) into DingTalk markdown.
// DingTalk's markdown renderer does not reliably honour backslash escapes (a `\*` is often shown with the
// backslash), so syntax characters are replaced by their full-width look-alikes, which read naturally in
// Chinese text and can never form links, images, emphasis, headings, HTML tags or @-mentions.

const INLINE: Record<string, string> = {
  '[': '［',
  ']': '］',
  '(': '（',
  ')': '）',
  '*': '＊',
  _: '＿',
  '`': '｀',
  '~': '～',
  '<': '＜',
  '>': '＞',
  '|': '｜',
  '@': '＠',
  '#': '＃',
  '\\': '＼',
};

const INLINE_PATTERN = /[[\]()*_`~<>|@#\\]/g;

/** Neutralises DingTalk markdown syntax in user text so it renders as the literal characters. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n?/g, '\n').split('\n').map(escapeLine).join('  \n'); // two trailing spaces: a hard line break, so the user's line breaks survive
}

function escapeLine(line: string): string {
  const escaped = line.replace(INLINE_PATTERN, (char) => INLINE[char] ?? char);
  // Block syntax only counts at the start of a line: list items, ordered lists, setext underlines, rules.
  return escaped
    .replace(/^(\s*)([-+=])/, (_, space: string, mark: string) => space + ({ '-': '－', '+': '＋', '=': '＝' }[mark] ?? mark))
    .replace(/^(\s*\d+)\.(\s|$)/, '$1．$2');
}

/** Shortens text to at most `max` characters (code points), ending with "…" when it was cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max <= 0) return '';
  return chars.slice(0, max - 1).join('') + '…';
}
