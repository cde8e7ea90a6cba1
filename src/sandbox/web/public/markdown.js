// DingTalk markdown, rendered safely: marked parses, raw HTML in a message is shown as text, DOMPurify
// sanitises what is left, and dtmd://dingtalkclient/sendMessage links become "send this text" links.
import { Marked } from '/sandbox/vendor/marked.js';
import DOMPurify from '/sandbox/vendor/purify.js';

const SEND_PREFIX = 'dtmd://dingtalkclient/sendMessage?content=';

/** The text a dtmd://…sendMessage link sends, or null for any other URL. */
export function commandOf(url) {
  if (typeof url !== 'string' || !url.startsWith(SEND_PREFIX)) return null;
  try {
    return decodeURIComponent(url.slice(SEND_PREFIX.length));
  } catch {
    return null;
  }
}

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    // Messages never carry live HTML: a tag typed by someone is shown as the characters they typed.
    html(token) {
      return escapeHtml(token.text);
    },
    link(token) {
      const inner = this.parser.parseInline(token.tokens);
      const command = commandOf(token.href);
      if (command !== null) return `<a href="#" class="command-link" data-command="${escapeHtml(command)}">${inner}</a>`;
      return `<a href="${escapeHtml(token.href)}">${inner}</a>`;
    },
    // The sandbox loads nothing from outside; an image shows as its link.
    image(token) {
      return `<a href="${escapeHtml(token.href)}">［图片］${escapeHtml(token.text)}</a>`;
    },
  },
});

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && /^https?:/i.test(node.getAttribute('href') ?? '')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

const FORBID_TAGS = ['style', 'form', 'input', 'button', 'textarea', 'select', 'img', 'iframe', 'svg', 'math'];

/** A <div class="md"> holding the sanitised rendering of `text`. */
export function renderMarkdown(text) {
  const fragment = DOMPurify.sanitize(marked.parse(text ?? ''), { RETURN_DOM_FRAGMENT: true, FORBID_TAGS });
  const box = document.createElement('div');
  box.className = 'md';
  box.append(fragment);
  return box;
}
