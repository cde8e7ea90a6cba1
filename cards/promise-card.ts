// 补交容缺材料: one card per promised material still open, asking for the file; the applicant may stop and
// come back later from the application card.
import { button } from './button.js';
import type { Card } from './card.js';
import { fitCard, userText } from './fit.js';
import { escapeMarkdown } from './markdown.js';

export const PROMISE_LATER = 'promise.later';

export interface PromiseItemInput {
  applicationId: string;
  matterName: string;
  /** Names of the open promises with their due days (already formatted), the one asked for first. */
  items: { name: string; due: string }[];
  notice?: string;
  error?: string;
}

/** Asks for the first open promise; lists the others. */
export function promiseItemCard(input: PromiseItemInput): Card {
  const [current, ...rest] = input.items;
  const params = { applicationId: input.applicationId };
  const lines = [
    ...(input.notice ? [`✅ ${escapeMarkdown(input.notice)}`] : []),
    ...(input.error ? [`❗ ${escapeMarkdown(input.error)}`] : []),
    `办件 ${input.applicationId}（${escapeMarkdown(input.matterName)}）容缺受理时承诺补交的材料：`,
    `**${userText(current?.name ?? '', 60)}**（${escapeMarkdown(current?.due ?? '')}前）  \n请直接发送照片或文件。`,
    ...(rest.length ? [`之后还需补交：${rest.map((r) => userText(r.name, 60)).join('、')}`] : []),
  ];
  return fitCard({
    title: `补交材料 · ${input.applicationId}`,
    status: { text: '容缺补交', tone: 'warning' },
    sections: lines.map((text) => ({ kind: 'markdown' as const, text })),
    buttons: [button('稍后补交', PROMISE_LATER, { params, command: '稍后补交' })],
    footnote: '材料补齐前不能送达办理结果。',
  });
}
