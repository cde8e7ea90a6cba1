// Card → DingTalk. With a card-platform template: the variables of cards/template/yiciban-generic.json.
// Without one: a markdown / actionCard robot message whose buttons send the button's text command.
import type { Card, CardButton, CardSection, Tone } from '../../cards/card.js';
import { CARD_MAX_CHARS, MAX_BUTTONS } from '../../cards/fit.js';
import { escapeMarkdown, truncate } from '../../cards/markdown.js';

/** Body chunks body1…body8: every cardParamMap value must stay ≤ 1 KB (§4b). */
export const BODY_SLOTS = 8;
const VALUE_BYTES = 1000;
// The card budget (characters, buttons) is cards/fit.ts's, which the card builders already keep; here it
// is only the last guard for a card that skipped fitCard, plus the template's own 1 KB-per-variable rule.
/** Appended where a long card was cut. */
export const TRUNCATED_NOTE = '（内容较长，已截断）';

const COLORS: Record<Tone, string> = {
  info: 'common_blue1_color',
  success: 'common_green1_color',
  warning: 'common_orange1_color',
  danger: 'common_red1_color',
  neutral: 'common_level3_base_color',
};

/** The cardParamMap for the generic template: every value a string of at most 1 KB. */
export function renderTemplateParams(card: Card): Record<string, string> {
  // Fields sections after the last markdown section go to the `fields` list; earlier ones are inlined
  // into the body so the order the card builder chose is kept.
  const lastMarkdown = card.sections.map((s) => s.kind).lastIndexOf('markdown');
  const inline = card.sections.slice(0, lastMarkdown + 1);
  const trailing = card.sections.slice(lastMarkdown + 1).flatMap((s) => (s.kind === 'fields' ? s.items : []));

  const fieldChars = trailing.reduce((sum, item) => sum + item.label.length + item.value.length, 0);
  const body = capText(inline.map(sectionMarkdown).join('\n\n'), Math.max(CARD_MAX_CHARS - fieldChars, 500));
  const chunks = chunkBytes(body, VALUE_BYTES, BODY_SLOTS);
  const params: Record<string, string> = {
    title: truncate(card.title, 100),
    statusText: card.status ? truncate(card.status.text, 40) : '',
    statusColor: card.status ? COLORS[card.status.tone] : '',
    fields: fitJsonList(trailing.map((item) => ({ label: truncate(item.label, 40), value: truncate(item.value, 200) }))),
    buttons: fitJsonList((card.buttons ?? []).slice(0, MAX_BUTTONS).map(templateButton)),
    footnote: truncate(card.footnote ?? '', 300),
  };
  for (let i = 0; i < BODY_SLOTS; i++) params[`body${i + 1}`] = chunks[i] ?? '';
  return params;
}

function templateButton(button: CardButton) {
  const style = button.style === 'danger' ? 'warning' : (button.style ?? 'normal');
  return { text: truncate(button.text, 20), style, params: { ...button.params, action: button.action } };
}

function sectionMarkdown(section: CardSection): string {
  if (section.kind === 'markdown') return section.text;
  return section.items.map((item) => `**${escapeMarkdown(item.label)}**：${escapeMarkdown(item.value)}`).join('  \n');
}

/** Cuts text to `max` characters, ending with the truncation note. */
function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return truncate(text, max - TRUNCATED_NOTE.length - 2).replace(/…$/, '') + '\n\n' + TRUNCATED_NOTE;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Splits markdown into at most `slots` chunks of ≤ `limit` UTF-8 bytes, preferring line boundaries. */
export function chunkBytes(text: string, limit: number, slots: number): string[] {
  const pieces = text.split('\n').flatMap((line) => splitLine(line, limit));
  const chunks: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const candidate = current === '' ? piece : `${current}\n${piece}`;
    if (bytes(candidate) <= limit) {
      current = candidate;
      continue;
    }
    chunks.push(current);
    current = piece;
  }
  if (current !== '') chunks.push(current);
  if (chunks.length <= slots) return chunks;
  const kept = chunks.slice(0, slots);
  const room = limit - bytes(`\n\n${TRUNCATED_NOTE}`);
  kept[slots - 1] = splitLine(kept[slots - 1] ?? '', room)[0] + `\n\n${TRUNCATED_NOTE}`;
  return kept;
}

function splitLine(line: string, limit: number): string[] {
  if (bytes(line) <= limit) return [line];
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    if (bytes(current + char) > limit) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

/** JSON array string of ≤ 1 KB: items that do not fit are dropped from the end. */
function fitJsonList(items: unknown[]): string {
  for (let n = items.length; n >= 0; n--) {
    const json = JSON.stringify(items.slice(0, n));
    if (bytes(json) <= VALUE_BYTES) return json;
  }
  return '[]';
}

/** A robot message in OpenAPI form: msgKey plus its (not yet stringified) msgParam. */
export interface RobotMessage {
  msgKey: string;
  msgParam: Record<string, string>;
}

/** dtmd links make the DingTalk client send `command` as if the user typed it. */
export function commandLink(command: string): string {
  return `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(command)}`;
}

/** The markdown / actionCard message used when no card template is configured. */
export function renderFallbackMarkdown(card: Card): RobotMessage {
  const withCommand = (card.buttons ?? []).filter((b) => b.command);
  const actions = withCommand.slice(0, 5);
  const extraLinks = withCommand.slice(5).map((b) => `[${escapeMarkdown(b.text)}](${commandLink(b.command ?? '')})`);
  const hints = (card.buttons ?? []).filter((b) => !b.command).map((b) => escapeMarkdown(b.text));

  const blocks = [`#### ${escapeMarkdown(card.title)}`];
  if (card.status) blocks.push(`状态：**${escapeMarkdown(card.status.text)}**`);
  blocks.push(...card.sections.map(sectionMarkdown));
  if (extraLinks.length > 0) blocks.push(extraLinks.join('　'));
  if (hints.length > 0) blocks.push(`可用操作：${hints.join('、')}`);
  if (card.footnote) blocks.push(escapeMarkdown(card.footnote));
  const text = capText(blocks.join('\n\n'), CARD_MAX_CHARS);
  const title = truncate(card.title, 60);

  const [only] = actions;
  if (actions.length === 0 || !only) return { msgKey: 'sampleMarkdown', msgParam: { title, text } };
  if (actions.length === 1) {
    return { msgKey: 'sampleActionCard', msgParam: { title, text, singleTitle: only.text, singleURL: commandLink(only.command ?? '') } };
  }
  const msgParam: Record<string, string> = { title, text };
  actions.forEach((button, i) => {
    msgParam[`actionTitle${i + 1}`] = button.text;
    msgParam[`actionURL${i + 1}`] = commandLink(button.command ?? '');
  });
  return { msgKey: `sampleActionCard${actions.length}`, msgParam };
}

/** The sessionWebhook body (custom-robot format, §3.1) for a robot message. */
export function webhookBody(message: RobotMessage, atUserIds: string[] = []): Record<string, unknown> {
  const p = message.msgParam;
  const at = atUserIds.length > 0 ? { at: { atUserIds, isAtAll: false } } : {};
  if (message.msgKey === 'sampleText') return { msgtype: 'text', text: { content: p.content ?? '' }, ...at };
  if (message.msgKey === 'sampleMarkdown') return { msgtype: 'markdown', markdown: { title: p.title, text: p.text }, ...at };
  if (message.msgKey === 'sampleActionCard') {
    return { msgtype: 'actionCard', actionCard: { title: p.title, text: p.text, singleTitle: p.singleTitle, singleURL: p.singleURL } };
  }
  const btns: { title: string; actionURL: string }[] = [];
  for (let i = 1; p[`actionTitle${i}`] !== undefined; i++) {
    btns.push({ title: p[`actionTitle${i}`] ?? '', actionURL: p[`actionURL${i}`] ?? '' });
  }
  return { msgtype: 'actionCard', actionCard: { title: p.title, text: p.text, btnOrientation: '0', btns } };
}
