// Handler registration (kept apart from start-up wiring): the dialogs, and the feature handlers in the
// order they get a chance at the input. The composer in src/bot/bot.ts runs them after the dialogs.
import { Composer } from '../src/bot/composer.js';
import type { BotContext } from '../src/bot/context.js';
import type { Dialog } from '../src/bot/dialog.js';
import { applyDialog } from './apply.js';
import { startApply } from './apply-start.js';
import { guide, namedMatter } from './guide.js';
import { fallback, help } from './help.js';

/** Every dialog the engine knows (stored records of other ids are discarded). */
export const dialogs: Dialog<any, any[]>[] = [applyDialog];

/** Store keys of the dialogs that may take a one-to-one text message from the sender, in order. */
export async function dialogTextKeys(ctx: BotContext): Promise<string[]> {
  return [`user:${ctx.event.sender.userId}`];
}

/** Feature handlers; free words naming a matter come last. */
export const features = new Composer<BotContext>(help.middleware(), guide.middleware(), startApply.middleware(), namedMatter);

export { fallback };
