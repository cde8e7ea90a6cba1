// What the bot sent, as the web chat shows it: the simulator records sessionWebhook bodies (custom-robot
// formats, §3.1) and robot OpenAPI sends (msgKey + msgParam, §3.2) in different shapes; both become one
// ChatMessage with text or markdown and link buttons (dtmd:// links send their text when clicked).

/** A link button under a message (actionCard): `url` is http(s) or a dtmd://…sendMessage link. */
export interface ChatLink {
  title: string;
  url: string;
}

/** One non-card bot message in the web chat's shape. */
export interface ChatMessage {
  format: 'text' | 'markdown';
  title?: string;
  text: string;
  links: ChatLink[];
}

type Fields = Record<string, unknown>;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A sessionWebhook body (`msgtype` + its object) as a chat message; undefined for unknown types. */
export function fromWebhook(msgtype: string | undefined, content: unknown): ChatMessage | undefined {
  const c = (content ?? {}) as Fields;
  switch (msgtype) {
    case 'text':
      return { format: 'text', text: str(c.content), links: [] };
    case 'markdown':
      return { format: 'markdown', title: str(c.title), text: str(c.text), links: [] };
    case 'actionCard': {
      const links = Array.isArray(c.btns)
        ? c.btns.map((b) => ({ title: str((b as Fields).title), url: str((b as Fields).actionURL) }))
        : [{ title: str(c.singleTitle), url: str(c.singleURL) }];
      return { format: 'markdown', title: str(c.title), text: str(c.text), links: links.filter((l) => l.title) };
    }
    case 'link':
      return {
        format: 'markdown',
        title: str(c.title),
        text: `**${str(c.title)}**\n\n${str(c.text)}`,
        links: [{ title: '查看', url: str(c.messageUrl) }],
      };
    case 'feedCard': {
      const items = Array.isArray(c.links) ? (c.links as Fields[]) : [];
      return { format: 'markdown', text: '', links: items.map((l) => ({ title: str(l.title), url: str(l.messageURL) })) };
    }
    default:
      return undefined;
  }
}

/** A robot OpenAPI message (`msgKey` + parsed msgParam) as a chat message. */
export function fromRobot(msgKey: string | undefined, param: unknown): ChatMessage {
  const p = (param ?? {}) as Fields;
  switch (msgKey) {
    case 'sampleText':
      return { format: 'text', text: str(p.content), links: [] };
    case 'sampleMarkdown':
      return { format: 'markdown', title: str(p.title), text: str(p.text), links: [] };
    case 'sampleActionCard':
      return { format: 'markdown', title: str(p.title), text: str(p.text), links: [{ title: str(p.singleTitle), url: str(p.singleURL) }] };
    case 'sampleLink':
      return {
        format: 'markdown',
        title: str(p.title),
        text: `**${str(p.title)}**\n\n${str(p.text)}`,
        links: [{ title: '查看', url: str(p.messageUrl) }],
      };
    default: {
      if (msgKey && /^sampleActionCard[2-6]$/.test(msgKey)) {
        const links: ChatLink[] = [];
        for (let i = 1; p[`actionTitle${i}`] !== undefined; i += 1)
          links.push({ title: str(p[`actionTitle${i}`]), url: str(p[`actionURL${i}`]) });
        return { format: 'markdown', title: str(p.title), text: str(p.text), links };
      }
      // Images, audio, files and video are not part of the bot's vocabulary; show what arrived.
      return { format: 'text', text: `［${msgKey ?? '未知'} 消息］`, links: [] };
    }
  }
}
