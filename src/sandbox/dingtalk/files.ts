// Files users "upload" in chats: downloadCodes for robot messages and the URLs they resolve to.
import { randomBytes } from 'node:crypto';

interface StoredFile {
  bytes: Buffer;
  fileName: string;
}

/** Bytes behind downloadCodes, served at `/sim/files/<code>`. */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();

  register(bytes: Uint8Array | string, fileName = 'file.bin'): string {
    const code = `dc${randomBytes(18).toString('base64url')}`;
    this.files.set(code, { bytes: Buffer.from(bytes), fileName });
    return code;
  }

  get(code: string): StoredFile | undefined {
    return this.files.get(code);
  }
}

// A 1×1 transparent PNG, so picture messages download something an image decoder accepts.
const SAMPLE_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Placeholder bytes for a message type when the test gives none. */
export function sampleBytes(msgtype: string, fileName?: string): { bytes: Buffer; fileName: string } {
  if (msgtype === 'picture' || msgtype === 'richText') return { bytes: SAMPLE_PNG, fileName: fileName ?? 'image.png' };
  if (msgtype === 'audio') return { bytes: Buffer.from('#!AMR\n'), fileName: fileName ?? 'voice.amr' };
  if (msgtype === 'video') return { bytes: Buffer.from('sandbox video'), fileName: fileName ?? 'video.mp4' };
  const name = fileName ?? 'document.pdf';
  return { bytes: Buffer.from(`%PDF-1.4\n% ${name}\n`), fileName: name };
}
