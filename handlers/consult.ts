// 咨询 <事项> <问题> (or 咨询 人工 <问题>): the question goes one-to-one to the contacts of the matter's departments
// (to the admins for 人工 or when no matter is named); 回复 <咨询编号> brings their answer back into the chat.
import { Composer } from '../src/bot/composer.js';
import type { BotContext } from '../src/bot/context.js';
import { hears } from '../src/bot/router.js';
import { chinaDay } from '../src/domain/holiday-calendar.js';
import { CONSULTATION_KIND, caseNumber, consultationText, type Consultation } from '../src/supervision/complaints.js';
import { CONSULT, CONSULT_REPLY } from './commands.js';
import { pickMatter } from './find-matter.js';

const QUESTION_MAX = 500;
const USAGE = '请这样提问：咨询 事项名称 您的问题，例如“咨询 公积金提取 租房提取每年能提几次”；找人工请发送“咨询 人工 您的问题”。';

/** 咨询 and 回复. */
export const consult = new Composer<BotContext>(
  hears([CONSULT_REPLY], (ctx, m) => reply(ctx, m[1] ?? '', m[2] ?? '')),
  hears([CONSULT], (ctx, m) => ask(ctx, (m[1] ?? '').trim())),
);

async function ask(ctx: BotContext, rest: string): Promise<void> {
  const [first = '', ...words] = rest.split(/\s+/u);
  const question = words.join(' ').trim().slice(0, QUESTION_MAX);
  if (!first || !question) return void ctx.reply(USAGE);
  const pick = first === '人工' ? undefined : pickMatter(ctx.services.catalogue.list(), first);
  const matter = pick?.status === 'one' ? pick.matter : undefined;
  if (first !== '人工' && !matter) return void ctx.reply(`没有找到事项“${first}”。${USAGE}`);
  const contacts = [...new Set(matter?.departments.flatMap((d) => d.contactUserIds) ?? [])];
  const { total } = await ctx.findRecords(CONSULTATION_KIND, { tags: { day: chinaDay(ctx.now) } });
  const c: Consultation = {
    id: caseNumber('ZX', ctx.now, total + 1),
    userId: ctx.event.sender.userId,
    userName: ctx.event.sender.name,
    ...(matter ? { matterId: matter.id, matterName: matter.name } : {}),
    question,
    handlers: contacts.length ? contacts : [...ctx.services.adminUserIds].sort(),
    askedAt: ctx.now.toISOString(),
    replies: [],
  };
  ctx.saveRecord({
    kind: CONSULTATION_KIND,
    id: c.id,
    rev: 1,
    data: c,
    updatedAt: ctx.now.getTime(),
    tags: { day: chinaDay(ctx.now), status: 'open' },
  });
  for (const userId of c.handlers) ctx.send({ kind: 'user', userId }, consultationText(c));
  ctx.reply(`已把您的问题转给${matter ? `“${matter.name}”的办理部门` : '工作人员'}（咨询编号 ${c.id}），答复会发到这里。`);
}

async function reply(ctx: BotContext, id: string, text: string): Promise<void> {
  const stored = await ctx.getRecord<Consultation>(CONSULTATION_KIND, id);
  const c = stored?.data;
  if (!stored || !c || !(ctx.isAdmin || c.handlers.includes(ctx.event.sender.userId)))
    return void ctx.reply(`没有找到咨询 ${id}，或它不是问您的。`);
  const answer = { at: ctx.now.toISOString(), by: ctx.event.sender.userId, text: text.trim().slice(0, 1000) };
  const next: Consultation = { ...c, replies: [...c.replies, answer] };
  ctx.saveRecord({
    ...stored,
    rev: stored.rev + 1,
    data: next,
    updatedAt: ctx.now.getTime(),
    tags: { ...stored.tags, status: 'answered' },
  });
  ctx.send(
    { kind: 'user', userId: c.userId },
    `关于您的咨询 ${c.id}${c.matterName ? `（${c.matterName}）` : ''}，工作人员答复：${answer.text}`,
  );
  ctx.reply(`已把答复发给咨询人（${c.id}）。`);
}
