// What every view imports: Preact with htm and hooks (bundled by the server, /console/vendor/preact.js), and
// the date formats of the console (China time, as the bot writes dates).
export { html, render, h, Fragment, useState, useEffect, useMemo, useRef, useCallback, useReducer } from '/console/vendor/preact.js';

const CHINA = 'Asia/Shanghai';
const DATE = new Intl.DateTimeFormat('zh-CN', { timeZone: CHINA, year: 'numeric', month: 'numeric', day: 'numeric' });
const TIME = new Intl.DateTimeFormat('zh-CN', { timeZone: CHINA, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function parts(format, date) {
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
}

function toDate(iso) {
  if (iso === undefined || iso === null || iso === '') return undefined;
  // A bare day (2026-12-03) is a China calendar day, not UTC midnight.
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00+08:00` : iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** '2026年12月3日' (China time); '—' for nothing. */
export function formatDate(iso) {
  const date = toDate(iso);
  if (!date) return '—';
  const p = parts(DATE, date);
  return `${p.year}年${p.month}月${p.day}日`;
}

/** '2026年12月3日 09:05' (China time); '—' for nothing. */
export function formatDateTime(iso) {
  const date = toDate(iso);
  if (!date) return '—';
  const t = parts(TIME, date);
  return `${formatDate(iso)} ${t.hour}:${t.minute}`;
}

/** Today's China day as YYYY-MM-DD (for date inputs). */
export function chinaToday(now = new Date()) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: CHINA, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(now)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}`;
}
