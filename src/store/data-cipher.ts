// AES-256-GCM for personal data at rest (DATA_KEY). A sealed value is one string that names the key it was
// sealed with, so DATA_KEY_PREVIOUS still opens old values during a rotation while new ones use DATA_KEY.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Every sealed value starts with this; nothing a person types is expected to. */
export const SEALED_PREFIX = '$sealed:v1:';
/** File in DATA_DIR where the sandbox keeps the key it generated. */
export const SANDBOX_KEY_FILE = 'data-key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Keys as configured: base64 of 32 bytes each. */
export interface DataKeys {
  current: string;
  previous?: string;
}

/** Raised when a sealed value cannot be opened: the key is missing or the value was tampered with. */
export class SealError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SealError';
  }
}

/** The reason `text` is not a usable DATA_KEY, or undefined when it is one. */
export function dataKeyProblem(text: string): string | undefined {
  const bytes = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || bytes.length !== KEY_BYTES) {
    return `must be base64 of exactly 32 random bytes (got ${bytes.length} bytes); make one with: openssl rand -base64 32`;
  }
  return undefined;
}

/** Short public id of a key (first 4 bytes of its SHA-256, hex): tells which key sealed a value, reveals nothing. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** True for a string produced by DataCipher.seal. */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/** Id of the key a sealed value was sealed with. */
export function sealedKeyId(sealed: string): string {
  const rest = sealed.slice(SEALED_PREFIX.length);
  return rest.slice(0, Math.max(0, rest.indexOf(':')));
}

/** Seals and opens strings with AES-256-GCM; new values always use the current key. */
export class DataCipher {
  readonly currentKeyId: string;
  readonly #current: Buffer;
  readonly #keys = new Map<string, Buffer>();
  // Random IVs drawn from a pool refilled 4 KB at a time: one randomBytes call per seal cost more than the AES work
  // on a short value (every outbox job is sealed). The bytes are as random as before and each is used once.
  #ivPool = Buffer.alloc(0);
  #ivAt = 0;

  constructor(keys: DataKeys) {
    this.#current = decodeKey(keys.current, 'DATA_KEY');
    this.currentKeyId = keyId(this.#current);
    this.#keys.set(this.currentKeyId, this.#current);
    if (keys.previous) {
      const previous = decodeKey(keys.previous, 'DATA_KEY_PREVIOUS');
      this.#keys.set(keyId(previous), previous);
    }
  }

  /** Whether a value sealed under `id` can be opened with the configured keys. */
  hasKey(id: string): boolean {
    return this.#keys.has(id);
  }

  /** The same value sealed under the current key (unchanged when it already is). */
  reseal(sealed: string): string {
    return sealedKeyId(sealed) === this.currentKeyId ? sealed : this.seal(this.open(sealed));
  }

  /** `$sealed:v1:<key id>:<base64 of iv | ciphertext | tag>`. */
  seal(plain: string): string {
    const iv = this.#nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.#current, iv);
    const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED_PREFIX}${this.currentKeyId}:${body.toString('base64')}`;
  }

  #nextIv(): Buffer {
    if (this.#ivAt + IV_BYTES > this.#ivPool.length) {
      this.#ivPool = randomBytes(IV_BYTES * 341);
      this.#ivAt = 0;
    }
    this.#ivAt += IV_BYTES;
    return this.#ivPool.subarray(this.#ivAt - IV_BYTES, this.#ivAt);
  }

  /** The plain text of a sealed value; throws SealError naming the key id when no configured key fits. */
  open(sealed: string): string {
    const rest = sealed.slice(SEALED_PREFIX.length);
    const colon = rest.indexOf(':');
    const id = sealedKeyId(sealed);
    const key = this.#keys.get(id);
    if (colon < 0 || !key) {
      throw new SealError(
        `a value in the store was sealed with data key ${id || '(unknown)'}, which is neither DATA_KEY nor DATA_KEY_PREVIOUS; ` +
          'set DATA_KEY_PREVIOUS to the key that was in use before the rotation',
      );
    }
    const body = Buffer.from(rest.slice(colon + 1), 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SealError(`a sealed value under data key ${id} does not authenticate (damaged or tampered with)`, { cause: error });
    }
  }
}

/**
 * The sandbox's own key: read from DATA_DIR/data-key, or generated there (mode 0600) on first start.
 * Only for sandbox mode: production must configure DATA_KEY (src/config.ts refuses to start without it).
 */
export async function loadOrCreateSandboxKey(dataDir: string): Promise<string> {
  const file = path.join(dataDir, SANDBOX_KEY_FILE);
  try {
    const key = (await readFile(file, 'utf8')).trim();
    const problem = dataKeyProblem(key);
    if (problem) throw new Error(`${file} is not a data key: ${problem}`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES).toString('base64');
  // 'wx': two sandboxes starting on one folder at once must not each write a different key.
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(file, 0o600);
  return (await readFile(file, 'utf8')).trim();
}

/** The configured keys, or in sandbox mode the key kept in DATA_DIR (created when missing). */
export async function resolveDataKeys(config: { sandbox: boolean; dataDir: string; dataKeys?: DataKeys }): Promise<DataKeys> {
  if (config.dataKeys) return config.dataKeys;
  if (!config.sandbox) throw new Error('DATA_KEY is required outside the sandbox; make one with: openssl rand -base64 32');
  return { current: await loadOrCreateSandboxKey(config.dataDir) };
}

function decodeKey(text: string, name: string): Buffer {
  const problem = dataKeyProblem(text);
  if (problem) throw new Error(`${name} ${problem}`);
  return Buffer.from(text, 'base64');
}
