// The message list of one conversation: people's messages, the bot's messages and cards. Entries are
// keyed (messages by seq, cards by outTrackId) so history and live events can arrive in any order.
import { createCard, fillCard } from './card.js';
import { commandOf, renderMarkdown } from './markdown.js';

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const time = (at) => new Date(at).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' });
const size = (bytes) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

export class ChatView {
  /** `actions`: { send(text), click(outTrackId, params, cardElement) }. */
  constructor(container, actions) {
    this.container = container;
    this.actions = actions;
    this.me = '';
    this.seqs = new Map();
    this.cards = new Map();
    container.addEventListener('click', (event) => {
      const link = event.target.closest('a.command-link');
      if (!link || !container.contains(link)) return;
      event.preventDefault();
      actions.send(link.dataset.command ?? '');
    });
  }

  /** Empties the view for another person or conversation. */
  reset(me) {
    this.me = me;
    this.seqs.clear();
    this.cards.clear();
    this.container.replaceChildren(el('p', 'empty', '还没有消息。发送「帮助」看看机器人能做什么。'));
  }

  /** Applies a full history: keeps what is shown when it still matches, else redraws. Entries newer than the
   *  history (live events that overtook the history request) are kept, not taken for stale ones. */
  history(entries) {
    const known = new Set(entries.map((e) => e.seq));
    const last = entries.reduce((max, e) => Math.max(max, e.seq), -Infinity);
    const stale = [...this.seqs.keys()].some((seq) => seq <= last && !known.has(seq));
    if (stale) this.reset(this.me);
    for (const entry of entries) this.add(entry);
  }

  /** Adds an entry (or updates its card) unless it is already shown. */
  add(entry) {
    if (entry.kind === 'card' && this.cards.has(entry.outTrackId)) return this.update(entry);
    if (this.seqs.has(entry.seq)) return;
    const node = this.render(entry);
    this.seqs.set(entry.seq, node);
    this.container.querySelector(':scope > .empty')?.remove();
    const nearBottom = this.container.scrollHeight - this.container.scrollTop - this.container.clientHeight < 120;
    // Keep the order of the server's sequence even when a live event overtook the history.
    const after = [...this.seqs.entries()].filter(([seq]) => seq > entry.seq).sort((a, b) => a[0] - b[0])[0];
    if (after) this.container.insertBefore(node, after[1]);
    else this.container.append(node);
    if (nearBottom || entry.kind === 'user') node.scrollIntoView({ block: 'end' });
  }

  /** Re-renders a card in place when the update is newer than what is shown. */
  update(entry) {
    const card = this.cards.get(entry.outTrackId);
    if (!card) return this.add(entry);
    if (Number(card.dataset.version ?? 0) > entry.version) return;
    fillCard(card, entry, this.actions.click);
  }

  render(entry) {
    if (entry.kind === 'user') return this.userMessage(entry);
    const row = el('div', 'msg msg-bot');
    row.dataset.seq = String(entry.seq);
    row.append(el('span', 'avatar avatar-bot', '办'));
    const column = el('div', 'msg-column');
    column.append(el('span', 'msg-name', `一次办 · ${time(entry.at)}`));
    if (entry.kind === 'card') {
      const card = createCard(entry, this.actions.click);
      this.cards.set(entry.outTrackId, card);
      column.append(card);
    } else {
      column.append(this.botBubble(entry.message));
    }
    row.append(column);
    return row;
  }

  userMessage(entry) {
    const mine = entry.userId === this.me;
    const row = el('div', `msg ${mine ? 'msg-mine' : 'msg-other'}`);
    row.dataset.seq = String(entry.seq);
    row.append(el('span', 'avatar', entry.name.slice(-2)));
    const column = el('div', 'msg-column');
    column.append(el('span', 'msg-name', `${mine ? '我' : entry.name} · ${time(entry.at)}`));
    const bubble = el('div', 'bubble');
    if (entry.text !== undefined) bubble.append(el('span', 'bubble-text', entry.text));
    if (entry.attachment) bubble.append(this.attachment(entry.attachment));
    column.append(bubble);
    if (!entry.delivered) column.append(el('span', 'msg-note', '没有 @机器人，机器人收不到这条消息'));
    row.append(column);
    return row;
  }

  attachment(file) {
    if (file.kind === 'picture') {
      const image = el('img', 'attachment-image');
      image.src = file.url;
      image.alt = file.fileName;
      return image;
    }
    const link = el('a', 'attachment-file', `文件：${file.fileName}（${size(file.size)}）`);
    link.href = file.url;
    link.download = file.fileName;
    return link;
  }

  botBubble(message) {
    const bubble = el('div', 'bubble bubble-bot');
    if (message.format === 'markdown') bubble.append(renderMarkdown(message.text));
    else bubble.append(el('span', 'bubble-text', message.text));
    if (message.links.length > 0) {
      const row = el('div', 'bubble-links');
      for (const link of message.links) {
        const command = commandOf(link.url);
        const button = el('button', 'link-btn', link.title);
        button.type = 'button';
        if (command !== null) button.addEventListener('click', () => this.actions.send(command));
        else if (/^https?:/i.test(link.url)) button.addEventListener('click', () => window.open(link.url, '_blank', 'noopener'));
        else button.disabled = true;
        row.append(button);
      }
      bubble.append(row);
    }
    return bubble;
  }
}
