// The floor: a bare dingtalk-stream echo bot. It ACKs every robot message at once and answers it through the
// message's sessionWebhook — no store, no outbox — so bench/inbound.ts can compare Yiciban with the SDK alone.
// It replies with fetch, as a bot written on the SDK alone would; with `keepAlive` (ECHO_REPLY=keep-alive) it replies
// through Yiciban's own kept-alive client (src/dingtalk/request-text.ts) instead: the floor with the same transport.
// In-process: startEchoBot({ apiBase, clientId, clientSecret }). As a process (the bench spawns it like the bot):
//   DINGTALK_API_BASE=… DINGTALK_CLIENT_ID=… DINGTALK_CLIENT_SECRET=… node --import tsx bench/echo-bot.ts
import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import { requestText } from '../src/dingtalk/request-text.js';
import { isMain } from './stats.js';

export interface EchoBotOptions {
  /** Base URL of the gateway (the simulator's http://127.0.0.1:port). */
  apiBase: string;
  clientId: string;
  clientSecret: string;
  /** Reply through Yiciban's kept-alive HTTP client instead of fetch. */
  keepAlive?: boolean;
}

export interface EchoBot {
  stop(): Promise<void>;
}

/** DWClient whose gateway call goes to `apiBase`: 2.1.5 hard-codes api.dingtalk.com (protocol §1.8, option A). */
class EchoClient extends DWClient {
  constructor(
    private readonly apiBase: string,
    clientId: string,
    clientSecret: string,
  ) {
    // autoReconnect off: a bench run must not reconnect behind our back (2.1.5 storms, §1.7). An own
    // subscriptions array: the SDK's default one is shared by every client in the process.
    super({
      clientId,
      clientSecret,
      autoReconnect: false,
      keepAlive: false,
      subscriptions: [{ type: 'EVENT', topic: '*' }],
    } as ConstructorParameters<typeof DWClient>[0]);
  }

  override async getEndpoint(): Promise<this> {
    const { clientId, clientSecret, ua, subscriptions } = this.config;
    const response = await fetch(`${this.apiBase}/v1.0/gateway/connections/open`, {
      method: 'POST',
      // Without Accept: application/json the real gateway answers XML (comment in the SDK source).
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ clientId, clientSecret, ua, subscriptions }),
    });
    if (!response.ok) throw new Error(`gateway answered HTTP ${response.status}: ${await response.text()}`);
    const { endpoint, ticket } = (await response.json()) as { endpoint: string; ticket: string };
    (this as unknown as { dw_url: string }).dw_url = `${endpoint}?ticket=${ticket}`;
    return this;
  }
}

/** Connects, then echoes every robot message; resolves once the Stream socket is open. */
export async function startEchoBot(options: EchoBotOptions): Promise<EchoBot> {
  const client = new EchoClient(options.apiBase, options.clientId, options.clientSecret);
  client.registerCallbackListener(TOPIC_ROBOT, (frame: DWClientDownStream) => {
    // ACK first: robot callbacks are re-pushed when unanswered (protocol §1.5).
    client.socketCallBackResponse(frame.headers.messageId, null);
    void reply(frame.data, options.keepAlive ?? false);
  });
  // Not connect(): with autoReconnect off it swallows a failure; these two throw it.
  await client.getEndpoint();
  await client._connect();
  return {
    async stop() {
      client.disconnect();
    },
  };
}

async function reply(data: string, keepAlive: boolean): Promise<void> {
  const message = JSON.parse(data) as { sessionWebhook: string; text?: { content?: string } };
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msgtype: 'text', text: { content: `echo: ${message.text?.content?.trim() ?? ''}` } }),
  };
  try {
    if (keepAlive) await requestText(message.sessionWebhook, init, 10_000);
    else await (await fetch(message.sessionWebhook, init)).arrayBuffer();
  } catch (error) {
    // The bench counts unanswered messages and fails loudly; one line here says why.
    console.error(`echo reply failed: ${(error as Error).message}`);
  }
}

if (isMain(import.meta.url)) {
  const env = (name: string) => process.env[name] ?? (console.error(`${name} is required`), process.exit(2));
  const bot = await startEchoBot({
    apiBase: env('DINGTALK_API_BASE'),
    clientId: env('DINGTALK_CLIENT_ID'),
    clientSecret: env('DINGTALK_CLIENT_SECRET'),
    keepAlive: process.env.ECHO_REPLY === 'keep-alive',
  });
  const shutdown = () => void bot.stop().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
