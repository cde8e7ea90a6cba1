// The application card (办件卡片): number, matter, status, each department's state, the promised deadline
// (before acceptance: the promised working days), the next step, the result and, on request, the timeline.
// The bot updates it in place whenever the back office reports a change.
import { timeLimitFor } from '../src/domain/situations.js';
import { allowedEvents, canWithdraw } from '../src/domain/application.js';
import { openPromises } from '../src/domain/material-promises.js';
import { actionText, DEPARTMENT_STATUS_TEXT, formatChineseDate, nextStepText, statusText } from '../src/domain/status-text.js';
import type { Application, Matter } from '../src/domain/types.js';
import type { DeadlineClock } from '../src/supervision/deadline-clock.js';
import { button } from './button.js';
import type { Card, CardButton, CardSection } from './card.js';
import { evaluationLabel } from '../src/domain/evaluation.js';
import { fitCard, userText, userValue } from './fit.js';
import { formatChinaTime } from './format.js';
import { escapeMarkdown } from './markdown.js';

export const APPLICATION_WITHDRAW = 'withdraw.ask';
export const APPLICATION_SUPPLEMENT = 'supplement.start';
export const APPLICATION_TIMELINE = 'query.show';
export const APPLICATION_EVALUATE = 'evaluate.ask';
export const APPLICATION_PROMISE = 'promise.start';

/** Most history entries shown in the timeline (the newest). */
export const TIMELINE_MAX = 12;

export interface ApplicationCardOptions {
  /** Show the 办理记录 (for 查询 <编号>). */
  timeline?: boolean;
  /** Where the application stands against its deadline now (the date with 补正 pauses added, working days left). */
  clock?: DeadlineClock;
}

/** The application card; `matter` (when still in the catalogue) adds promised days and window details. */
export function applicationCard(app: Application, matter: Matter | undefined, options: ApplicationCardOptions = {}): Card {
  const status = statusText(app);
  const sections: CardSection[] = [
    {
      kind: 'fields',
      items: [
        { label: '办件编号', value: app.id },
        // The template version it was filed under: its guide, fields and deadline are that version's.
        { label: '办理事项', value: `${app.matter.name}（第${app.matter.version}版）` },
        { label: '申请人', value: app.applicant.name },
        ...(app.submittedAt ? [{ label: '提交时间', value: formatChinaTime(app.submittedAt) }] : []),
        { label: '承诺办结', value: deadlineText(app, matter, options.clock) },
        ...(app.evaluation ? [{ label: '评价', value: evaluationText(app.evaluation) }] : []),
      ],
    },
    { kind: 'markdown', text: `**审批进度**\n${app.departments.map(departmentLine).join('\n')}` },
    { kind: 'markdown', text: `**下一步**：${escapeMarkdown(nextStepText(app))}` },
  ];
  const result = resultText(app, matter);
  if (result) sections.push({ kind: 'markdown', text: `**办理结果**\n${result}` });
  if (options.timeline) sections.push({ kind: 'markdown', text: `**办理记录**\n${timeline(app)}` });
  return fitCard({
    title: `办件 ${app.id}`,
    status: { text: status.label, tone: status.tone },
    sections,
    buttons: applicationButtons(app, options),
  });
}

function deadlineText(app: Application, matter: Matter | undefined, clock: DeadlineClock | undefined): string {
  if (clock && ['accepted', 'in_review', 'supplement_required'].includes(app.status))
    return `${formatChineseDate(clock.deadline)}前（${remainingText(clock)}）`;
  if (app.deadline) return `${formatChineseDate(app.deadline)}前`;
  if (app.status === 'withdrawn' || app.status === 'not_accepted') return '—';
  return matter ? `受理后${timeLimitFor(matter, app.fields).promisedDays}个工作日内` : '受理后告知';
}

function remainingText(clock: DeadlineClock): string {
  const days = clock.remaining >= 0 ? `剩余 ${clock.remaining} 个工作日` : `已超期 ${-clock.remaining} 个工作日`;
  return clock.paused ? `补正期间暂停计时，${days}` : days;
}

function evaluationText(evaluation: NonNullable<Application['evaluation']>): string {
  return `${evaluationLabel(evaluation.level)}${evaluation.comment ? `（${userValue(evaluation.comment, 100)}）` : ''}`;
}

function departmentLine(d: Application['departments'][number]): string {
  const comment = d.comment ? `（${userText(d.comment, 100)}）` : '';
  return `- ${escapeMarkdown(d.name)}：${DEPARTMENT_STATUS_TEXT[d.status].label}${comment}`;
}

function resultText(app: Application, matter: Matter | undefined): string | undefined {
  const result = app.result;
  if (!result) return undefined;
  const lines: string[] = [];
  if (result.type === 'elicence') {
    lines.push('电子证照已发放');
    if (result.licenseNo) lines.push(`证照编号：${userText(result.licenseNo, 100)}`);
    if (result.url && isSafeUrl(result.url)) lines.push(`[查看电子证照](${result.url})`);
  } else if (result.type === 'mail') {
    lines.push(`已邮寄${result.trackingNo ? `，运单号：${userText(result.trackingNo, 60)}` : ''}`);
  } else {
    lines.push(`窗口领取（只需跑一次）：${userText(result.pickupAddress ?? matter?.window?.address ?? '办事窗口', 200)}`);
    if (matter?.window?.hours) lines.push(`办公时间：${escapeMarkdown(matter.window.hours)}`);
    if (matter?.window?.bring?.length) lines.push(`请携带：${matter.window.bring.map(escapeMarkdown).join('、')}`);
    if (result.licenseNo) lines.push(`证照编号：${userText(result.licenseNo, 100)}`);
  }
  return lines.join('  \n');
}

// Only plain http(s) links without characters that could end the markdown link early.
function isSafeUrl(url: string): boolean {
  return /^https?:\/\/[^\s()<>[\]"'`]+$/.test(url) && url.length <= 500;
}

// Each entry names its department, writes dates as 2026年12月3日 and a rating by its word (非常满意).
function timeline(app: Application): string {
  return app.history
    .slice(-TIMELINE_MAX)
    .map((entry) => {
      const department = entry.department ? `（${app.departments.find((d) => d.id === entry.department)?.name ?? entry.department}）` : '';
      // Markdown: the comment goes through userText (escaped), unlike the fields row's userValue.
      const evaluation = entry.action === 'evaluate' ? app.evaluation : undefined;
      const rating = evaluation
        ? `${evaluationLabel(evaluation.level)}${evaluation.comment ? `（${userText(evaluation.comment, 80)}）` : ''}`
        : undefined;
      const raw = rating ?? (entry.note ? userText(entry.note.replace(/\d{4}-\d{2}-\d{2}/g, formatChineseDate), 80) : '');
      return `- ${formatChinaTime(entry.at)} ${actionText(entry.action)}${department}${raw ? `：${raw}` : ''}`;
    })
    .join('\n');
}

function applicationButtons(app: Application, options: ApplicationCardOptions): CardButton[] {
  const params = { applicationId: app.id };
  return [
    ...(allowedEvents(app).includes('evaluate')
      ? [button('评价', APPLICATION_EVALUATE, { params, command: `评价 ${app.id}`, style: 'primary' as const })]
      : []),
    ...(app.status === 'supplement_required'
      ? [button('补正材料', APPLICATION_SUPPLEMENT, { params, command: `补正 ${app.id}`, style: 'primary' as const })]
      : []),
    ...(hasOpenPromise(app)
      ? [button('补交材料', APPLICATION_PROMISE, { params, command: `补交 ${app.id}`, style: 'primary' as const })]
      : []),
    ...(options.timeline ? [] : [button('办理记录', APPLICATION_TIMELINE, { params, command: `查询 ${app.id}` })]),
    ...(canWithdraw(app)
      ? [button('撤回申请', APPLICATION_WITHDRAW, { params, command: `撤回 ${app.id}`, style: 'danger' as const })]
      : []),
  ];
}

// 容缺: promised materials are handed in after acceptance, while the application is still alive.
function hasOpenPromise(app: Application): boolean {
  return app.acceptedAt !== undefined && !['withdrawn', 'not_accepted', 'rejected'].includes(app.status) && openPromises(app).length > 0;
}
