// 统计: admins get the supervision figures of the last 30 days; anyone else gets the ordinary help card.
import { helpCard } from '../../cards/help-card.js';
import { statisticsCard } from '../../cards/statistics-card.js';
import { Composer } from '../../src/bot/composer.js';
import type { BotContext } from '../../src/bot/context.js';
import { hears } from '../../src/bot/router.js';
import { loadOpenCases } from '../../src/admin/statistics-routes.js';
import { computeStatistics, defaultRange } from '../../src/supervision/statistics.js';
import { STATISTICS } from '../commands.js';

/** 统计. */
export const statistics = new Composer<BotContext>(hears([STATISTICS], (ctx) => answer(ctx)));

async function answer(ctx: BotContext): Promise<void> {
  if (!ctx.isAdmin) return void ctx.reply(helpCard());
  const { items } = await ctx.findApplications({});
  const range = defaultRange(ctx.now);
  const openCases = await loadOpenCases(ctx.services.store);
  const figures = computeStatistics({
    applications: items,
    matters: ctx.services.catalogue.all(),
    calendar: ctx.services.calendar,
    now: ctx.now,
    ...range,
    by: 'matter',
    openCases,
  });
  ctx.replyPrivately(statisticsCard(figures), '已把统计发到与我的单聊中。');
}
