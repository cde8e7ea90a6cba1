// Card ids (DingTalk outTrackId) that say who a card belongs to: `yc-<owner>-<hash>`, where <owner> is
// a short hash of the owner's userId or `pub` for cards anyone may click. The id comes back verbatim in
// every click callback (dingtalk-protocol.md §4b), so ownership never depends on forgeable params.
import { createHash } from 'node:crypto';

const PUBLIC = 'pub';
const FORMAT = /^yc-([0-9a-f]{8}|pub)-[0-9a-f]{16}$/;

/** The 8-hex tag of a userId inside card ids. */
export function ownerTag(userId: string): string {
  return sha256(`owner:${userId}`).slice(0, 8);
}

/** A deterministic card id from a seed (event id + counter), owned by `owner` or public when null. */
export function makeCardId(seed: string, owner: string | null): string {
  return `yc-${owner === null ? PUBLIC : ownerTag(owner)}-${sha256(`card:${seed}`).slice(0, 16)}`;
}

/** Who may click a card: `public`, an owner tag, or `foreign` for ids the bot never made. */
export type CardOwnership = { status: 'public' } | { status: 'owned'; tag: string } | { status: 'foreign' };

/** Reads the owner part of a card id. */
export function cardOwnership(cardId: string): CardOwnership {
  const match = FORMAT.exec(cardId);
  if (!match) return { status: 'foreign' };
  return match[1] === PUBLIC ? { status: 'public' } : { status: 'owned', tag: match[1] ?? '' };
}

/** True when `userId` owns the card. */
export function isCardOwner(cardId: string, userId: string): boolean {
  const ownership = cardOwnership(cardId);
  return ownership.status === 'owned' && ownership.tag === ownerTag(userId);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
