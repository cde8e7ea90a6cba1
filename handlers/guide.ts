// 办事指南: the catalogue, a search by words (办事指南 开公司, or just 开公司), and one matter's guide.
import { catalogueCard, categoryCard, GUIDE_CATEGORY } from '../cards/catalogue-card.js';
import { GUIDE_CATALOGUE, GUIDE_SHOW, guideCard } from '../cards/guide-card.js';
import { HELP_GUIDE } from '../cards/help-card.js';
import { matterChoiceCard, noMatchCard } from '../cards/matter-choice-card.js';
import { Composer, type Middleware } from '../src/bot/composer.js';
import type { BotContext } from '../src/bot/context.js';
import { action, hears } from '../src/bot/router.js';
import { UserError } from '../src/errors.js';
import { CATEGORY, GUIDE } from './commands.js';
import { pickMatter } from './find-matter.js';

const showCatalogue = (ctx: BotContext) => ctx.reply(catalogueCard(ctx.services.catalogue.list()));

/** 办事指南 [words], and the guide buttons. */
export const guide = new Composer<BotContext>(
  hears([GUIDE], (ctx, match) => (match[1] ? search(ctx, match[1], true) : showCatalogue(ctx))),
  hears([CATEGORY], (ctx, match) =>
    ctx.reply(categoryCard(ctx.services.catalogue.list(), match[1] === '企业' ? '法人' : '个人', Number(match[2] ?? '1'))),
  ),
  action([GUIDE_CATALOGUE, HELP_GUIDE], showCatalogue),
  action(GUIDE_CATEGORY, (ctx, params) => {
    const category = params.category === '法人' ? '法人' : '个人';
    ctx.reply(categoryCard(ctx.services.catalogue.list(), category, Number(params.page ?? '1') || 1));
  }),
  action(GUIDE_SHOW, (ctx, params) => {
    const matter = ctx.matter(params.matter ?? '');
    if (!matter) throw new UserError('该事项已不在目录中，请发送“办事指南”查看最新目录');
    ctx.reply(guideCard(matter));
  }),
);

/** Plain words that name a matter ("开公司") get its guide; words that name nothing go on to the fallback. */
export const namedMatter: Middleware<BotContext> = (ctx, next) => {
  const text = ctx.text;
  if (!text || !search(ctx, text, false)) return next();
};

// Answers a search; without `always`, only when something matched (so chit-chat reaches the help card).
function search(ctx: BotContext, words: string, always: boolean): boolean {
  const pick = pickMatter(ctx.services.catalogue.list(), words);
  if (pick.status === 'one') ctx.reply(guideCard(pick.matter));
  else if (pick.status === 'many') ctx.reply(matterChoiceCard(words, pick.matches));
  else if (always) ctx.reply(noMatchCard(words, pick.suggestions));
  else return false;
  return true;
}
