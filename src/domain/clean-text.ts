// Typed text as the bot reads it: attacker-friendly invisible characters removed and full-width forms
// folded, so "３３０１…" is an ID number and a bidi override cannot reorder what a card shows.

// C0/C1 controls except tab and newline, bidi embeddings/overrides/isolates (U+202A–202E, U+2066–2069),
// marks that only steer direction (U+200E, U+200F, U+061C), zero-width characters (U+200B–200D, U+2060,
// U+FEFF) and the soft hyphen.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this pattern.
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;

// Full-width digits and Latin letters only. NFKC is applied only to these, not to the whole text: it would
// also turn Chinese punctuation (，：（）) into ASCII and rewrite "①" or "㎡" that people typed on purpose.
const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/gu;

/** Removes invisible and control characters and folds full-width digits and letters to ASCII. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(FULL_WIDTH, (char) => char.normalize('NFKC'));
}
