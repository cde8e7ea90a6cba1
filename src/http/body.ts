// Reading request bodies: raw bytes with a size limit (the webhook signature covers them exactly), and a
// JSON parse that reports instead of throwing. Shared by the koa app and the simulators.
import type { IncomingMessage } from 'node:http';

export type RawBody = { status: 'ok'; body: Buffer } | { status: 'too_large' };

/** Reads the request body up to `maxBytes`; past it, stops reading (no more bytes are buffered). */
export function readRaw(req: IncomingMessage, maxBytes: number): Promise<RawBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ status: 'too_large' });
  return new Promise((resolve, rejectRead) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: RawBody | Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (result instanceof Error) rejectRead(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        finish({ status: 'too_large' });
      } else chunks.push(chunk);
    };
    const onEnd = () => finish({ status: 'ok', body: Buffer.concat(chunks) });
    const onError = (error: Error) => finish(error);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** JSON.parse that returns the parser's complaint instead of throwing. */
export function parseJson(text: string): { status: 'ok'; value: unknown } | { status: 'invalid'; message: string } {
  try {
    return { status: 'ok', value: JSON.parse(text) as unknown };
  } catch (error) {
    return { status: 'invalid', message: (error as Error).message };
  }
}
