// 投诉 [编号] [内容]: a short dialog — which application (from 我的办件), what happened, optional evidence — then a
// numbered complaint for the application's departments (or the admins), due in 5 working days and checked like
// the deadlines. The handlers answer with 答复 <编号>; the complainant is told each step and rates the answer once.
import {
  COMPLAIN_CANCEL,
  COMPLAIN_PICK,
  COMPLAIN_SUBMIT,
  complaintEvidenceCard,
  complaintPickCard,
  complaintWhatCard,
} from '../cards/complaint-card.js';
import { Composer } from '../src/bot/composer.js';
import type { BotContext, DecisionContext } from '../src/bot/context.js';
import type { TimerContext } from '../src/bot/event-contexts.js';
import { startDialog } from '../src/bot/dialog-engine.js';
import { complete, defineDialog, show, skip, type DialogTurn, type StepResult } from '../src/bot/dialog.js';
import { hears, onTimer } from '../src/bot/router.js';
import { parseApplicationId } from '../src/domain/application-id.js';
import { parseEvaluationLevel } from '../src/domain/evaluation.js';
import { chinaDay } from '../src/domain/holiday-calendar.js';
import {
  COMPLAINT_KIND,
  caseNumber,
  complaintAnswerText,
  complaintCheckAt,
  complaintDueDay,
  complaintFiledText,
  complaintLateText,
  complaintOpenedText,
  complaintRatedText,
  type Complaint,
} from '../src/supervision/complaints.js';
import { responsibleDepartments } from '../src/supervision/warnings.js';
import { COMPLAIN, COMPLAINT_ANSWER, COMPLAINT_RATE, isGlobalCommand } from './commands.js';

const CHECK = 'complaint.check';
const TEXT_MAX = 500;

/** State of a complaint being written (plain JSON). */
export interface ComplaintDraft {
  applicationId?: string;
  text?: string;
  evidence: { downloadCode: string; fileName?: string }[];
}

export const complaintDialog = defineDialog<ComplaintDraft, [ComplaintDraft, string]>({
  id: 'complaint',
  version: 1,
  ttl: { hours: 24 },
  keyFor: (owner) => complaintKey(owner),
  start: async (turn, draft, userId) => {
    if (draft.text) return show('evidence', draft, complaintEvidenceCard(draft.text, 0));
    if (draft.applicationId) return show('what', draft, complaintWhatCard(draft.applicationId));
    const { items } = await turn.ctx.findApplications({ applicantId: userId, limit: 4 });
    return show('app', draft, complaintPickCard(items));
  },
  steps: {
    app: {
      answer: async (draft, input, turn) => {
        if (input.kind !== 'text' || isGlobalCommand(input.text)) return skip();
        if (/^不涉及/u.test(input.text.trim())) return show('what', draft, complaintWhatCard(undefined));
        const app = await ownApplication(turn, parseApplicationId(input.text)?.id);
        return app ? show('what', { ...draft, applicationId: app }, complaintWhatCard(app)) : skip();
      },
      [COMPLAIN_PICK]: async (draft, input, turn) => {
        const id = input.kind === 'action' ? input.params.applicationId : undefined;
        const app = id ? await ownApplication(turn, id) : undefined;
        return show('what', { ...draft, ...(app ? { applicationId: app } : {}) }, complaintWhatCard(app));
      },
      [COMPLAIN_CANCEL]: cancel,
    },
    what: {
      answer: (draft, input) => {
        if (input.kind !== 'text' || isGlobalCommand(input.text) || input.text.trim() === '') return skip();
        const text = input.text.trim();
        if (Array.from(text).length > TEXT_MAX) return show('what', draft, complaintWhatCard(draft.applicationId, `请在${TEXT_MAX}字以内`));
        return show('evidence', { ...draft, text }, complaintEvidenceCard(text, 0));
      },
      [COMPLAIN_CANCEL]: cancel,
    },
    evidence: {
      answer: (draft, input) => {
        if (input.kind !== 'text') return skip();
        const files = input.attachments.filter((a) => a.kind === 'picture' || a.kind === 'file');
        if (files.length === 0) return skip();
        const evidence = [
          ...draft.evidence,
          ...files.map((f) => ({ downloadCode: f.downloadCode, ...(f.fileName ? { fileName: f.fileName } : {}) })),
        ];
        return show('evidence', { ...draft, evidence }, complaintEvidenceCard(draft.text ?? '', evidence.length));
      },
      [COMPLAIN_SUBMIT]: (draft, _input, turn) => file(draft, turn),
      [COMPLAIN_CANCEL]: cancel,
    },
  },
  commands: (text) => {
    if (/^取消$/u.test(text)) return { action: COMPLAIN_CANCEL };
    if (/^提交投诉$/u.test(text)) return { action: COMPLAIN_SUBMIT };
    return undefined;
  },
});

/** The store key of a user's complaint dialog. */
export function complaintKey(userId: string): string {
  return `complaint:${userId}`;
}

/** 投诉, 答复 and 投诉评价. */
export const complain = new Composer<BotContext>(
  hears([COMPLAINT_ANSWER], (ctx, m) => answer(ctx, m[1] ?? '', m[2] ?? '')),
  hears([COMPLAINT_RATE], (ctx, m) => rate(ctx, m[1] ?? '', m[2] ?? '')),
  hears([COMPLAIN], (ctx, m) => begin(ctx, m[1] ?? '')),
);

/** The late-answer checks. */
export const complaintTimers = new Composer<TimerContext>(onTimer(CHECK, (ctx, payload) => check(ctx, (payload as { id: string }).id)));

async function begin(ctx: BotContext, rest: string): Promise<void> {
  const userId = ctx.event.sender.userId;
  const parsed = parseApplicationId(rest.split(/\s+/u)[0] ?? '');
  const app = parsed ? await ctx.getApplication(parsed.id) : undefined;
  const mine = app && app.applicant.userId === userId ? app.id : undefined;
  const text = (parsed ? rest.trim().split(/\s+/u).slice(1).join(' ') : rest).trim().slice(0, TEXT_MAX);
  if (ctx.isGroup) ctx.reply('请在与我的单聊中投诉，保护您的个人信息。');
  const draft: ComplaintDraft = { ...(mine ? { applicationId: mine } : {}), ...(text ? { text } : {}), evidence: [] };
  await startDialog(ctx, complaintDialog, { owner: userId, key: complaintKey(userId), event: ctx.event }, draft, userId);
}

async function ownApplication(turn: DialogTurn, id: string | undefined): Promise<string | undefined> {
  const app = id ? await turn.ctx.getApplication(id) : undefined;
  return app && app.applicant.userId === turn.owner ? app.id : undefined;
}

function cancel(_draft: ComplaintDraft, _input: unknown, turn: DialogTurn): StepResult<ComplaintDraft> {
  turn.tell('已取消投诉。');
  return complete();
}

async function file(draft: ComplaintDraft, turn: DialogTurn): Promise<StepResult<ComplaintDraft>> {
  const { ctx } = turn;
  const app = draft.applicationId ? await ctx.getApplication(draft.applicationId) : undefined;
  const departments = app ? responsibleDepartments(app, ctx.matter(app.matter.id)) : [];
  const contacts = [...new Set(departments.flatMap((d) => d.contactUserIds))];
  const { total } = await ctx.findRecords(COMPLAINT_KIND, { tags: { day: chinaDay(ctx.now) } });
  const c: Complaint = {
    id: caseNumber('TS', ctx.now, total + 1),
    userId: turn.owner,
    userName: turn.event?.sender.name || app?.applicant.name || '',
    ...(app ? { applicationId: app.id, matterName: app.matter.name } : {}),
    text: draft.text ?? '',
    evidence: draft.evidence,
    departments,
    handlers: contacts.length ? contacts : [...ctx.services.adminUserIds].sort(),
    openedAt: ctx.now.toISOString(),
    dueDay: complaintDueDay(ctx.services.calendar, ctx.now),
  };
  save(ctx, c, 1);
  for (const userId of c.handlers) ctx.send({ kind: 'user', userId }, complaintOpenedText(c));
  ctx.schedule(CHECK, c.id, complaintCheckAt(ctx.services.calendar, c), { id: c.id });
  turn.tell(complaintFiledText(c));
  return complete();
}

async function answer(ctx: BotContext, id: string, text: string): Promise<void> {
  const stored = await ctx.getRecord<Complaint>(COMPLAINT_KIND, id);
  const c = stored?.data;
  if (!stored || !c || !(ctx.isAdmin || c.handlers.includes(ctx.event.sender.userId)))
    return void ctx.reply(`没有找到投诉 ${id}，或您不是它的答复人。`);
  if (c.answer) return void ctx.reply(`投诉 ${id} 已答复过。`);
  const next: Complaint = { ...c, answer: { at: ctx.now.toISOString(), by: ctx.event.sender.userId, text: text.trim().slice(0, 1000) } };
  save(ctx, next, stored.rev + 1);
  ctx.send({ kind: 'user', userId: c.userId }, complaintAnswerText(next));
  ctx.reply(`已答复投诉 ${id}，已告知投诉人。`);
}

async function rate(ctx: BotContext, id: string, levelText: string): Promise<void> {
  const stored = await ctx.getRecord<Complaint>(COMPLAINT_KIND, id);
  const c = stored?.data;
  if (!stored || !c || c.userId !== ctx.event.sender.userId) return void ctx.reply(`没有找到您的投诉 ${id}。`);
  if (!c.answer) return void ctx.reply(`投诉 ${id} 尚未答复，答复后再评价。`);
  if (c.rating) return void ctx.reply(`您已评价过投诉 ${id} 的答复。`);
  const level = parseEvaluationLevel(levelText);
  if (!level) return void ctx.reply('评价等级应为 1 至 5：5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意。');
  const next: Complaint = { ...c, rating: { level, at: ctx.now.toISOString() } };
  save(ctx, next, stored.rev + 1);
  ctx.replyPrivately(complaintRatedText(next));
}

async function check(ctx: TimerContext, id: string): Promise<void> {
  const c = (await ctx.getRecord<Complaint>(COMPLAINT_KIND, id))?.data;
  if (!c || c.answer) return;
  for (const userId of new Set([...c.handlers, ...ctx.services.adminUserIds])) ctx.send({ kind: 'user', userId }, complaintLateText(c));
}

function save(ctx: DecisionContext, c: Complaint, rev: number): void {
  const tags = { status: c.answer ? 'answered' : 'open', day: chinaDay(new Date(c.openedAt)) };
  ctx.saveRecord({ kind: COMPLAINT_KIND, id: c.id, rev, data: c, updatedAt: ctx.now.getTime(), tags });
}
