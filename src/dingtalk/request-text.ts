// JSON requests to DingTalk over node:http(s) with keep-alive agents. fetch (undici) builds web streams, an
// AbortSignal and a Request per call: in `npm run bench:inbound` that was about a tenth of the bot's CPU, paid by
// every sessionWebhook reply. A plain request on a kept-alive socket does the same work for a fraction of it.
import http from 'node:http';
import https from 'node:https';

/** What came back: the status and the body as text. */
export interface TextResponse {
  status: number;
  text: string;
}

export interface TextRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** Raised when no answer arrived: a refused or reset connection, or the timeout. */
export class NoAnswerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NoAnswerError';
  }
}

// `timeout` makes an idle kept-alive socket close before the server's own keep-alive timeout (the agent also
// follows a `Keep-Alive: timeout=N` hint), so a request is rarely written into a socket the server is closing.
const agentOptions = { keepAlive: true, maxSockets: 128, timeout: 4_000, scheduling: 'lifo' as const };
const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

/** Sends one request and reads the whole answer; rejects with NoAnswerError when none came within `timeoutMs`. */
export async function requestText(url: string, init: TextRequest, timeoutMs: number): Promise<TextResponse> {
  try {
    return await requestOnce(new URL(url), init, timeoutMs);
  } catch (error) {
    // The server closed a kept-alive socket just as this request was written into it: nothing was read, so the
    // request goes once more on a fresh socket (what Node's docs advise for `request.reusedSocket`).
    if (!(error instanceof StaleSocketError)) throw error;
    return requestOnce(new URL(url), init, timeoutMs);
  }
}

class StaleSocketError extends NoAnswerError {}

function requestOnce(url: URL, init: TextRequest, timeoutMs: number): Promise<TextResponse> {
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new NoAnswerError(`unsupported protocol ${url.protocol}`));
  const client = url.protocol === 'https:' ? https : http;
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  const headers = body === undefined ? init.headers : { ...init.headers, 'content-length': String(body.length) };
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = client.request(url, { method: init.method, headers, agent }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      // A reset or the timeout in the middle of the body (either event settles nothing once 'end' came).
      response.on('error', (error) => reject(new NoAnswerError(`the answer broke off: ${error.message}`, { cause: error })));
      response.on('close', () => {
        if (!response.complete) reject(new NoAnswerError('the answer broke off before its end'));
      });
    });
    const timer = setTimeout(() => request.destroy(new NoAnswerError(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return; // the response's own error event reports it
      if (request.reusedSocket && error.code === 'ECONNRESET') reject(new StaleSocketError(error.message, { cause: error }));
      else reject(error instanceof NoAnswerError ? error : new NoAnswerError(error.message, { cause: error }));
    });
    request.end(body);
  });
}
