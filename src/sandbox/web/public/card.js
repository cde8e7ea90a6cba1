// A card-platform card drawn from the template variables of cards/template/yiciban-generic.json: title and
// status tag, markdown body1…body8, key-value fields, buttons (callbacks with their params), footnote.
import { renderMarkdown } from './markdown.js';

const TAG_COLORS = {
  common_blue1_color: 'blue',
  common_green1_color: 'green',
  common_orange1_color: 'orange',
  common_red1_color: 'red',
  common_level3_base_color: 'grey',
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function jsonList(value) {
  try {
    const list = JSON.parse(value || '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** A new card element for a card entry. */
export function createCard(entry, onButton) {
  const card = el('article', 'card');
  card.dataset.outTrackId = entry.outTrackId;
  fillCard(card, entry, onButton);
  return card;
}

/** Redraws `card` in place from the entry (same element: an update, not a new message). */
export function fillCard(card, entry, onButton) {
  const data = entry.data ?? {};
  const previous = Number(card.dataset.version ?? 0);
  card.dataset.version = String(entry.version);

  const header = el('header', 'card-header');
  header.append(el('h3', 'card-title', data.title ?? ''));
  if (data.statusText) {
    const tag = el('span', `tag tag-${TAG_COLORS[data.statusColor] ?? 'blue'}`, data.statusText);
    tag.dataset.role = 'status';
    header.append(tag);
  }
  const parts = [header];

  for (let i = 1; i <= 8; i += 1) {
    const body = data[`body${i}`];
    if (body) parts.push(renderMarkdown(body));
  }

  const fields = jsonList(data.fields).filter((f) => f && typeof f === 'object');
  if (fields.length > 0) {
    const list = el('dl', 'card-fields');
    for (const field of fields) {
      const row = el('div', 'card-field');
      row.append(el('dt', '', String(field.label ?? '')), el('dd', '', String(field.value ?? '')));
      list.append(row);
    }
    parts.push(list);
  }

  const buttons = jsonList(data.buttons).filter((b) => b && typeof b === 'object');
  if (buttons.length > 0) {
    const row = el('div', 'card-buttons');
    for (const spec of buttons) {
      const style = ['primary', 'warning'].includes(spec.style) ? spec.style : 'normal';
      const button = el('button', `card-btn card-btn-${style}`, String(spec.text ?? ''));
      button.type = 'button';
      const params = Object.fromEntries(Object.entries(spec.params ?? {}).map(([k, v]) => [k, String(v)]));
      button.addEventListener('click', () => onButton(entry.outTrackId, params, card));
      row.append(button);
    }
    parts.push(row);
  }

  if (data.footnote) parts.push(el('p', 'card-footnote', data.footnote));
  card.replaceChildren(...parts);

  if (previous > 0 && entry.version > previous) {
    card.classList.remove('card-updated');
    void card.offsetWidth; // restart the highlight animation
    card.classList.add('card-updated');
  }
}

/** Disables (or re-enables) a card's buttons while a click is on its way. */
export function setCardBusy(card, busy) {
  card.classList.toggle('card-busy', busy);
  for (const button of card.querySelectorAll('button')) button.disabled = busy;
}
