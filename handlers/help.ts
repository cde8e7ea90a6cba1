// 帮助: what the bot can do — also the answer to anything it did not understand.
import { helpCard } from '../cards/help-card.js';
import { Composer, type Middleware } from '../src/bot/composer.js';
import type { BotContext } from '../src/bot/context.js';
import { STALE_CARD_TEXT } from '../src/bot/dialog-engine.js';
import { hears } from '../src/bot/router.js';
import { HELP } from './commands.js';

/** 帮助 / help / ? → the help card. */
export const help = new Composer<BotContext>(hears([HELP], (ctx) => ctx.reply(helpCard())));

/** Last link: a click nobody handled is on an outdated card; anything else gets the help card. */
export const fallback: Middleware<BotContext> = (ctx) => {
  const event = ctx.event;
  if (event.kind === 'card.action') return void ctx.reply(STALE_CARD_TEXT);
  if (event.attachments.length > 0 && event.text.trim() === '') {
    return void ctx.reply(helpCard('收到您的文件。如需提交材料，请先发送“我要办 事项名称”开始办理，再按卡片提示上传。'));
  }
  ctx.reply(helpCard('抱歉，我没有听懂。您可以这样和我说：'));
};
