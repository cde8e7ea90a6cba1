// The bot as a separate process (the real composition root, src/main.ts), so a test can SIGKILL it at an
// exact moment; and a TCP tap between the bot and the back office that shows when a request has fully arrived.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ROOT_DIR } from '../../src/app.js';
import type { DingTalkSimulator } from '../../src/sandbox/dingtalk/index.js';
import { ADMIN_TOKEN, BACKOFFICE_SECRET, TEMPLATE_ID, TEST_DATA_KEY, waitFor } from './harness.js';

export interface BotChildOptions {
  dingtalk: DingTalkSimulator;
  backofficeUrl: string;
  dataDir: string;
  /** More environment (BROADCASTER_USER_IDS, DINGTALK_QPS…). */
  env?: Record<string, string>;
}

export interface BotChild {
  pid: number;
  /** http://127.0.0.1:port of the child's HTTP app. */
  url: string;
  /** The child's JSON log lines so far (pino; the SDK's plain console lines are left out). */
  logs: Record<string, unknown>[];
  /** Sends `signal` and resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node --import tsx src/main.ts` with the environment of a real deployment pointed at the simulators,
 * and resolves once HTTP listens and the stream is connected. Not `node_modules/.bin/tsx`: that CLI runs the
 * program in a grandchild process, so a SIGKILL sent to it would leave the bot running as an orphan.
 */
export async function startBotChild(options: BotChildOptions): Promise<BotChild> {
  const { dingtalk } = options;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DINGTALK_CLIENT_ID: dingtalk.clientId,
    DINGTALK_CLIENT_SECRET: dingtalk.clientSecret,
    DINGTALK_ROBOT_CODE: dingtalk.robotCode,
    DINGTALK_API_BASE: dingtalk.baseUrl,
    DINGTALK_OAPI_BASE: dingtalk.baseUrl,
    DINGTALK_CARD_TEMPLATE_ID: TEMPLATE_ID,
    BACKOFFICE_URL: options.backofficeUrl,
    BACKOFFICE_SECRET,
    ADMIN_TOKEN,
    DATA_KEY: TEST_DATA_KEY,
    DATA_DIR: options.dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line that only looks like JSON (the SDK prints to the same stdout): not a log record
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
  let dead = false;
  void exited.then(() => void (dead = true));

  const kill = async (signal: NodeJS.Signals) => {
    if (!dead) child.kill(signal);
    return exited;
  };
  try {
    const listening = await waitFor(
      () => {
        if (dead) throw new Error(`the bot process exited during start-up: ${stderr.slice(-2000)}`);
        return logs.find((line) => line.msg === 'Yiciban is listening');
      },
      { timeoutMs: 20_000, intervalMs: 25, what: 'the bot process to listen' },
    );
    const url = String(listening.url);
    await waitFor(
      async () => {
        const health = (await fetch(`${url}/healthz`).then((r) => r.json())) as { stream?: string };
        return health.stream === 'connected';
      },
      { timeoutMs: 10_000, intervalMs: 25, what: 'the bot process to connect its stream' },
    );
    return { pid: child.pid!, url, logs, kill };
  } catch (error) {
    await kill('SIGKILL');
    throw error;
  }
}

/** A request that went through the tap, complete (headers and the whole Content-Length body). */
export interface TappedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Tap {
  url: string;
  requests: TappedRequest[];
  close(): Promise<void>;
}

/**
 * A TCP relay to `targetPort`. When the client side dies (the bot is SIGKILLed) the upstream side is kept
 * open until the server answers, as a real server that already read the whole request would still process it.
 */
export async function startTap(targetPort: number): Promise<Tap> {
  const requests: TappedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let seen = '';
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      seen += chunk.toString('latin1');
      seen = takeRequests(seen, requests);
    });
    client.on('error', () => undefined);
    client.on('close', () => sockets.delete(client));
    // Only the server ends the relay: its answer goes nowhere when the client is gone.
    upstream.on('data', (chunk: Buffer) => (client.destroyed ? upstream.destroy() : client.write(chunk)));
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Cuts complete HTTP/1.1 requests off the front of `seen` (latin1, so byte counts are string lengths).
function takeRequests(seen: string, into: TappedRequest[]): string {
  for (;;) {
    const end = seen.indexOf('\r\n\r\n');
    if (end < 0) return seen;
    const [start = '', ...lines] = seen.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (seen.length < end + 4 + length) return seen;
    const [method = '', path = ''] = start.split(' ');
    into.push({ method, path, headers, body: Buffer.from(seen.slice(end + 4, end + 4 + length), 'latin1').toString('utf8') });
    seen = seen.slice(end + 4 + length);
  }
}
