// HMAC signatures shared both ways with the back office (DESIGN.md "Back-office protocol"):
// X-Yiciban-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>, timestamp in unix ms.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-yiciban-timestamp';
export const SIGNATURE_HEADER = 'x-yiciban-signature';
/** How far a timestamp may be from our clock, either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

const PREFIX = 'sha256=';

/** The signature header value for a body sent at `timestamp` (unix ms). */
export function sign(secret: string, timestamp: number | string, rawBody: string | Uint8Array): string {
  return PREFIX + digest(secret, String(timestamp), rawBody).toString('hex');
}

/** The two headers to send with a signed body. */
export function signedHeaders(secret: string, timestamp: number, rawBody: string | Uint8Array): Record<string, string> {
  return { 'X-Yiciban-Timestamp': String(timestamp), 'X-Yiciban-Signature': sign(secret, timestamp, rawBody) };
}

export type SignatureProblem =
  | 'missing_timestamp'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'missing_signature'
  | 'malformed_signature'
  | 'signature_mismatch';

export type Verification = { status: 'valid'; timestamp: number } | { status: 'invalid'; reason: SignatureProblem };

/** Header lookup as node gives them: lower-case names, a value or a list. */
export type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * Checks the timestamp window, then the signature over the raw bytes, in constant time.
 * `headers` keys must be lower-case (node's IncomingMessage.headers are).
 */
export function verify(
  secret: string,
  headers: HeaderBag,
  rawBody: string | Uint8Array,
  now: number,
  windowMs = SIGNATURE_WINDOW_MS,
): Verification {
  const stamp = single(headers[TIMESTAMP_HEADER]);
  if (stamp === undefined) return invalid('missing_timestamp');
  if (!/^\d{1,16}$/.test(stamp)) return invalid('bad_timestamp');
  const timestamp = Number(stamp);
  if (now - timestamp > windowMs) return invalid('stale_timestamp');
  if (timestamp - now > windowMs) return invalid('future_timestamp');

  const header = single(headers[SIGNATURE_HEADER]);
  if (header === undefined) return invalid('missing_signature');
  if (!header.startsWith(PREFIX) || !/^[0-9a-fA-F]{64}$/.test(header.slice(PREFIX.length))) return invalid('malformed_signature');
  const given = Buffer.from(header.slice(PREFIX.length), 'hex');
  const expected = digest(secret, stamp, rawBody);
  // Both are 32 bytes here (checked above), so timingSafeEqual cannot throw on a length mismatch.
  return timingSafeEqual(given, expected) ? { status: 'valid', timestamp } : invalid('signature_mismatch');
}

function digest(secret: string, timestamp: string, rawBody: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

function invalid(reason: SignatureProblem): Verification {
  return { status: 'invalid', reason };
}
