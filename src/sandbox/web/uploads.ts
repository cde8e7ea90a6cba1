// Files people sent through the web chat, kept in memory so the conversation can show them again.
import { randomUUID } from 'node:crypto';

/** A stored upload. */
export interface Upload {
  id: string;
  fileName: string;
  /** Only a raster image type the page may show inline; anything else is served as a download. */
  mime: string;
  bytes: Buffer;
}

const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Keeps the most recent uploads up to `maxBytes` in total; the oldest go first. */
export class UploadStore {
  readonly #items = new Map<string, Upload>();
  #total = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  put(bytes: Buffer, fileName: string, mime: string): Upload {
    const upload: Upload = { id: randomUUID(), fileName, mime: INLINE_TYPES.has(mime) ? mime : 'application/octet-stream', bytes };
    this.#items.set(upload.id, upload);
    this.#total += bytes.length;
    for (const [id, old] of this.#items) {
      if (this.#total <= this.maxBytes || id === upload.id) break;
      this.#items.delete(id);
      this.#total -= old.bytes.length;
    }
    return upload;
  }

  get(id: string): Upload | undefined {
    return this.#items.get(id);
  }

  clear(): void {
    this.#items.clear();
    this.#total = 0;
  }
}

/** True when the page may show the upload as an image. */
export function isInline(upload: Upload): boolean {
  return INLINE_TYPES.has(upload.mime);
}
