// 补正: started by the back office's supplement_required (one message with every item: 一次性告知) or by
// the 补正材料 button. The applicant uploads or answers each item, confirms, and the supplement goes to
// the back office; review then resumes.
import { APPLICATION_SUPPLEMENT } from '../cards/application-card.js';
import {
  SUPPLEMENT_BACK,
  SUPPLEMENT_CANCEL,
  SUPPLEMENT_CONFIRM,
  SUPPLEMENT_RESTART,
  SUPPLEMENT_SKIP,
  supplementItemCard,
  supplementReviewCard,
  type SupplyAnswer,
} from '../cards/supplement-card.js';
import { Composer } from '../src/bot/composer.js';
import type { BotContext, DecisionContext } from '../src/bot/context.js';
import { startDialog } from '../src/bot/dialog-engine.js';
import { complete, defineDialog, show, skip, type DialogInput, type DialogTurn, type StepResult } from '../src/bot/dialog.js';
import { action, hears } from '../src/bot/router.js';
import { parseApplicationId } from '../src/domain/application-id.js';
import { transition } from '../src/domain/application.js';
import { nextSupplementRound } from '../src/domain/material-promises.js';
import type { Actor, Application, MaterialSubmission, MissingItem } from '../src/domain/types.js';
import { canSee, refreshApplicationCard } from './application-push.js';
import { isGlobalCommand, SUPPLEMENT } from './commands.js';
import { NOT_FOUND_TEXT } from './query.js';
import { superviseChange } from './supervision/warnings.js';

/** State of one supplement round (plain JSON). */
export interface SupplementDraft {
  applicationId: string;
  matterName: string;
  items: MissingItem[];
  cursor: number;
  answers: (SupplyAnswer | null)[];
}

export const supplementDialog = defineDialog<SupplementDraft, [Application]>({
  id: 'supplement',
  version: 1,
  ttl: { hours: 24 * 7 },
  expiredNotice: '补正已超过7天未操作，请点击办件卡片上的“补正材料”重新开始。',
  keyFor: (_owner, params) => supplementKey(params.applicationId ?? ''),
  start: (_turn, app) => {
    const items = app.missing ?? [];
    const draft: SupplementDraft = { applicationId: app.id, matterName: app.matter.name, items, cursor: 0, answers: items.map(() => null) };
    return show('item', draft, itemCard(draft, { intro: true }));
  },
  steps: {
    item: {
      answer: (draft, input) => {
        if (input.kind !== 'text') return skip();
        const files = input.attachments.filter((a) => a.kind === 'picture' || a.kind === 'file');
        if (files.length === 0 && (input.text.trim() === '' || isGlobalCommand(input.text))) return skip();
        const answer: SupplyAnswer = files.length
          ? {
              kind: 'files',
              ref: files.map((f) => f.downloadCode).join(','),
              fileName: files.map((f, i) => f.fileName ?? `文件${i + 1}`).join('、'),
            }
          : { kind: 'text', text: input.text.trim().slice(0, 500) };
        const answers = draft.answers.map((a, i) => (i === draft.cursor ? answer : a));
        return moveTo({ ...draft, answers }, draft.cursor + 1);
      },
      [SUPPLEMENT_SKIP]: (draft) => moveTo(draft, draft.cursor + 1),
      [SUPPLEMENT_BACK]: (draft) => moveTo(draft, Math.max(0, draft.cursor - 1)),
      [SUPPLEMENT_CANCEL]: pause,
    },
    review: {
      [SUPPLEMENT_CONFIRM]: confirm,
      [SUPPLEMENT_RESTART]: (draft) => moveTo(draft, 0),
      [SUPPLEMENT_CANCEL]: pause,
    },
  },
  commands: (text) => {
    if (/^(取消|稍后补正)$/u.test(text)) return { action: SUPPLEMENT_CANCEL };
    if (/^跳过(此项)?$/u.test(text)) return { action: SUPPLEMENT_SKIP };
    if (/^(上一步|上一项)$/u.test(text)) return { action: SUPPLEMENT_BACK };
    if (/^(确认提交|提交)$/u.test(text)) return { action: SUPPLEMENT_CONFIRM };
    if (/^重新补正$/u.test(text)) return { action: SUPPLEMENT_RESTART };
    return undefined;
  },
});

/** The store key of an application's supplement dialog. */
export function supplementKey(applicationId: string): string {
  return `supplement:${applicationId}`;
}

/** Starts (or restarts with the full list) the supplement dialog in the applicant's one-to-one chat. */
export async function startSupplement(ctx: DecisionContext, app: Application, event?: BotContext['event']): Promise<void> {
  await startDialog(ctx, supplementDialog, { owner: app.applicant.userId, key: supplementKey(app.id), ...(event ? { event } : {}) }, app);
}

/** The 补正材料 button and 补正 <编号>. */
export const supplement = new Composer<BotContext>(
  hears([SUPPLEMENT], (ctx, match) => resume(ctx, parseApplicationId(match[1] ?? '')?.id ?? '')),
  action(APPLICATION_SUPPLEMENT, (ctx, params) => resume(ctx, params.applicationId ?? '')),
);

async function resume(ctx: BotContext, id: string): Promise<void> {
  const app = id ? await ctx.getApplication(id) : undefined;
  if (!app || !canSee(ctx, app, ctx.actingFor, ctx.isAdmin)) return void ctx.reply(NOT_FOUND_TEXT);
  if (app.status !== 'supplement_required') return void ctx.reply(`办件 ${app.id} 当前不需要补正。`);
  if (ctx.isGroup) ctx.reply('请在与我的单聊中补正材料。');
  await startSupplement(ctx, app, ctx.event);
}

function itemCard(draft: SupplementDraft, extra: { intro?: boolean; error?: string } = {}) {
  const current = draft.answers[draft.cursor] ?? undefined;
  return supplementItemCard({
    applicationId: draft.applicationId,
    matterName: draft.matterName,
    items: draft.items,
    index: draft.cursor,
    ...(current ? { current } : {}),
    ...extra,
  });
}

function moveTo(draft: SupplementDraft, cursor: number): StepResult<SupplementDraft> {
  const next = { ...draft, cursor };
  if (cursor < draft.items.length) return show('item', next, itemCard(next));
  return show(
    'review',
    next,
    supplementReviewCard({ applicationId: draft.applicationId, items: draft.items, answers: draft.answers.map((a) => a ?? undefined) }),
  );
}

function pause(draft: SupplementDraft, _input: DialogInput, turn: DialogTurn): StepResult<SupplementDraft> {
  turn.tell(`已暂停补正。需要时点击办件 ${draft.applicationId} 卡片上的“补正材料”继续。`);
  return complete();
}

async function confirm(draft: SupplementDraft, _input: DialogInput, turn: DialogTurn): Promise<StepResult<SupplementDraft>> {
  const open = draft.items.filter((_, i) => !draft.answers[i]);
  if (open.length > 0) {
    const error = `还有 ${open.length} 项未补齐：${open.map((item) => item.name).join('、')}。请补齐后再提交。`;
    return show(
      'review',
      draft,
      supplementReviewCard({
        applicationId: draft.applicationId,
        items: draft.items,
        answers: draft.answers.map((a) => a ?? undefined),
        error,
      }),
    );
  }
  const { ctx } = turn;
  const app = await ctx.getApplication(draft.applicationId);
  if (!app) throw new Error(`supplement for unknown application ${draft.applicationId}`);
  const round = nextSupplementRound(app);
  const materials: MaterialSubmission[] = [];
  const notes: string[] = [];
  draft.items.forEach((item, i) => {
    const answer = draft.answers[i]!;
    if (answer.kind === 'text') return void notes.push(`${item.name}：${answer.text}`);
    const id = ctx.matterOf(app)?.materials.find((m) => m.name === item.name)?.id ?? `supplement-${round}-${i + 1}`;
    materials.push({ id, name: item.name, source: 'upload', ref: answer.ref, fileName: answer.fileName });
  });
  const clicker = turn.event?.sender.userId ?? turn.owner;
  const actor: Actor =
    clicker === app.applicant.userId ? { type: 'applicant', id: clicker, name: app.applicant.name } : { type: 'admin', id: clicker };
  const result = transition(
    app,
    { kind: 'supplement', materials, ...(notes.length ? { note: notes.join('；') } : {}) },
    { now: ctx.now, actor },
  );
  if (result.status !== 'ok') {
    turn.tell(result.message);
    return complete();
  }
  ctx.saveApplication(refreshApplicationCard(ctx, result.application));
  await superviseChange(ctx, app, result.application);
  ctx.callBackoffice('supplement', app.id, { round });
  turn.tell(`补正材料已提交（第${round}次），办件 ${app.id} 将继续办理，进度会在这里通知您。`);
  return complete();
}
