// 我的办件 (newest first, a page at a time) and 查询 <编号> (the application card with its timeline).
// A person sees only their own applications; in a group the answer goes to the one-to-one chat.
import { APPLICATION_TIMELINE, applicationCard } from '../cards/application-card.js';
import { applicationListCard, LIST_PAGE_SIZE, QUERY_PAGE } from '../cards/application-list-card.js';
import { guideCard } from '../cards/guide-card.js';
import { HELP_MINE } from '../cards/help-card.js';
import { matterChoiceCard, noMatchCard } from '../cards/matter-choice-card.js';
import { Composer } from '../src/bot/composer.js';
import type { BotContext } from '../src/bot/context.js';
import { action, hears } from '../src/bot/router.js';
import { parseApplicationId } from '../src/domain/application-id.js';
import { canSee, clockOf } from './application-push.js';
import { MINE, QUERY } from './commands.js';
import { pickMatter } from './find-matter.js';

export const NOT_FOUND_TEXT = '未找到该办件，请核对办件编号（如 YC20260105-0001）';

/** 我的办件, 查询 <编号> and their buttons. */
export const query = new Composer<BotContext>(
  hears([MINE], (ctx, match) => listMine(ctx, Number(match[2] ?? '1'))),
  action(HELP_MINE, (ctx) => listMine(ctx, 1)),
  action(QUERY_PAGE, (ctx, params) => listMine(ctx, Number(params.page ?? '1'))),
  hears([QUERY], (ctx, match) => {
    const words = match[1] ?? '';
    const parsed = parseApplicationId(words);
    if (parsed) return showApplication(ctx, parsed.id);
    // "查询 公积金" asks about a matter, not an application.
    const pick = pickMatter(ctx.services.catalogue.list(), words);
    ctx.reply(
      pick.status === 'one'
        ? guideCard(pick.matter)
        : pick.status === 'many'
          ? matterChoiceCard(words, pick.matches)
          : noMatchCard(words, pick.suggestions),
    );
  }),
  action(APPLICATION_TIMELINE, (ctx, params) => showApplication(ctx, params.applicationId ?? '')),
);

async function listMine(ctx: BotContext, page: number): Promise<void> {
  const wanted = Number.isInteger(page) && page >= 1 ? page : 1;
  const { total, items } = await ctx.findApplications({
    applicantId: ctx.actingFor,
    offset: (wanted - 1) * LIST_PAGE_SIZE,
    limit: LIST_PAGE_SIZE,
  });
  const lastPage = Math.max(1, Math.ceil(total / LIST_PAGE_SIZE));
  if (wanted > lastPage && total > 0) return listMine(ctx, lastPage);
  ctx.replyPrivately(applicationListCard({ items, total, page: wanted }), '已把您的办件列表发到与我的单聊中。');
}

async function showApplication(ctx: BotContext, id: string): Promise<void> {
  const app = id ? await ctx.getApplication(id) : undefined;
  if (!app || !canSee(ctx, app, ctx.actingFor, ctx.isAdmin)) return void ctx.reply(NOT_FOUND_TEXT);
  ctx.replyPrivately(
    applicationCard(app, ctx.matterOf(app), { timeline: true, clock: clockOf(ctx, app) }),
    '已把办件详情发到与我的单聊中。',
  );
}
