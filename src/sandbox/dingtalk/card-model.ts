// Card-platform rules (§4b) as plain functions: openSpaceId parsing, cardParamMap limits, update semantics.
import { asRecord } from './http.js';
import type { SimCard } from './types.js';

export type SpaceType = 'IM_ROBOT' | 'IM_GROUP' | 'IM_SINGLE' | 'ONE_BOX';

export interface OpenSpace {
  spaceType: SpaceType;
  spaceId: string;
}

const SPACE = /^(im_robot|im_group|im_single|one_box)\.(.+)$/i;
const PREFIX = /^dtv1\.card\/\//i;

/**
 * Parses `dtv1.card//IM_ROBOT.<userId>;IM_GROUP.<cid>`. The doc sample writes the types in lower case and
 * the SDKs in upper case, so both are accepted; a repeated `dtv1.card//` prefix per segment is tolerated.
 */
export function parseOpenSpaceId(value: unknown): OpenSpace[] | undefined {
  if (typeof value !== 'string' || !PREFIX.test(value)) return undefined;
  const segments = value
    .replace(PREFIX, '')
    .split(';')
    .map((s) => s.trim().replace(PREFIX, ''))
    .filter(Boolean);
  const spaces: OpenSpace[] = [];
  for (const segment of segments) {
    const match = SPACE.exec(segment);
    if (!match?.[1] || !match[2]) return undefined;
    spaces.push({ spaceType: match[1].toUpperCase() as SpaceType, spaceId: match[2] });
  }
  return spaces.length > 0 ? spaces : undefined;
}

/** Canonical (upper-case) openSpaceId of one space. */
export function formatOpenSpace(space: OpenSpace): string {
  return `dtv1.card//${space.spaceType}.${space.spaceId}`;
}

/**
 * Reads `{cardParamMap}`: values must be strings (numbers as "1", objects as JSON strings), keys ≤ 100 bytes,
 * values ≤ maxBytes. Returns the map, undefined when absent, or an error message.
 */
export function readParamMap(holder: unknown, maxBytes: number): Record<string, string> | undefined | { error: string } {
  if (holder === undefined || holder === null) return undefined;
  const map = asRecord(holder).cardParamMap;
  if (map === undefined) return undefined;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return { error: 'cardParamMap 必须是对象' };
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) {
    if (Buffer.byteLength(key) > 100) return { error: `cardParamMap 的键超过 100 字节：${key.slice(0, 20)}…` };
    if (typeof value !== 'string') return { error: `cardParamMap.${key} 必须是字符串（实际为 ${value === null ? 'null' : typeof value}）` };
    if (Buffer.byteLength(value) > maxBytes) return { error: `cardParamMap.${key} 超过 ${maxBytes} 字节` };
    result[key] = value;
  }
  return result;
}

/** Reads `privateData: {userId: {cardParamMap}}` with the same rules. */
export function readPrivateData(value: unknown, maxBytes: number): Record<string, Record<string, string>> | undefined | { error: string } {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return { error: 'privateData 必须是对象' };
  const result: Record<string, Record<string, string>> = {};
  for (const [userId, holder] of Object.entries(value)) {
    const map = readParamMap(holder, maxBytes);
    if (isError(map)) return { error: map.error };
    result[userId] = map ?? {};
  }
  return result;
}

export function isError(value: unknown): value is { error: string } {
  return typeof value === 'object' && value !== null && 'error' in value;
}

export interface CardUpdate {
  cardData?: Record<string, string>;
  privateData?: Record<string, Record<string, string>>;
  byKey: boolean;
  privateByKey: boolean;
}

/** Applies an update in place: by default the given maps replace the old ones; "ByKey" options merge. */
export function applyCardUpdate(card: SimCard, update: CardUpdate): void {
  if (update.cardData) card.cardData = update.byKey ? { ...card.cardData, ...update.cardData } : { ...update.cardData };
  for (const [userId, map] of Object.entries(update.privateData ?? {})) {
    card.privateData[userId] = update.privateByKey ? { ...card.privateData[userId], ...map } : { ...map };
  }
  card.version += 1;
  card.history.push({ ...card.cardData });
}
