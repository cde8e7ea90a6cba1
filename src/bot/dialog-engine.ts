// Runs dialogs: loads the stored record, discards it when its version is outdated or it expired, refuses
// stale clicks (each step's buttons carry a step token), calls the step and stores the result. The
// middleware lets the active dialog see input first; a skipped step lets the input fall through to the
// feature handlers. An in-place dialog keeps one card and updates it at every step when cards can be updated.
import { createHash } from 'node:crypto';
import type { Card, CardButton } from '../../cards/card.js';
import type { DialogRecord } from '../store/store.js';
import type { BotContext, DecisionContext } from './context.js';
import { STEP_PARAM, type Dialog, type DialogEnvelope, type DialogInput, type DialogTurn, type StepResult } from './dialog.js';
import type { Middleware } from './composer.js';
import type { ChatEvent } from './inbound.js';

export const STALE_CARD_TEXT = '这张卡片已过期，请在最新的卡片上操作';
export const EXPIRED_TEXT = '上次的办理已超过24小时未操作，已自动取消';
export const OUTDATED_TEXT = '办理流程已更新，上次未完成的办理已取消，请重新开始';
/** A click on the dialog's card as an earlier step showed it (a double tap, a slow update): nothing changes. */
export const REPEATED_STEP_TEXT = '这一步已经处理过了，请按卡片上现在的内容继续';

const HOUR_MS = 60 * 60 * 1000;

/** How one input went: the step's result, or why no step ran. */
export type DialogOutcome = 'handled' | 'complete' | 'skipped' | 'none' | 'stale' | 'repeated' | 'expired' | 'outdated';

type AnyDialog = Dialog<any, any[]>;

/** Starts `dialog` for `owner` under `key`, replacing whatever dialog was stored there. */
export async function startDialog<T, A extends unknown[]>(
  ctx: DecisionContext,
  dialog: Dialog<T, A>,
  where: { owner: string; key: string; event?: ChatEvent },
  ...args: A
): Promise<StepResult<T>> {
  const turn = makeTurn(ctx, where.owner, where.key, where.event);
  const result = await dialog.start(turn, ...args);
  if (result.status === 'complete' && (await ctx.getDialog(where.key))) ctx.removeDialog(where.key);
  apply(ctx, dialog, turn, result, undefined);
  return result;
}

/**
 * Feeds one input to the dialog stored under `key`. `cardId` is the clicked card for an action (typed
 * commands act on the current card). `expect` limits the input to that dialog (a click on its card).
 */
export async function resumeDialog(
  ctx: BotContext,
  dialogs: readonly AnyDialog[],
  key: string,
  input: DialogInput,
  options: { cardId?: string; expect?: AnyDialog } = {},
): Promise<DialogOutcome> {
  const record = await ctx.getDialog(key);
  if (!record) return 'none';
  const envelope = record.data as DialogEnvelope<unknown>;
  const dialog = dialogs.find((d) => d.id === record.dialog);
  const turn = makeTurn(ctx, envelope.owner, key, ctx.event, envelope.cardId);
  if (!dialog || dialog.version !== record.version) {
    ctx.removeDialog(key);
    ctx.log.info({ key, dialog: record.dialog, version: record.version }, 'discarded dialog state of another version');
    turn.tell(OUTDATED_TEXT);
    return 'outdated';
  }
  if (ctx.now.getTime() > record.expiresAt) {
    ctx.removeDialog(key);
    turn.tell(dialog.expiredNotice ?? EXPIRED_TEXT);
    return 'expired';
  }
  if (options.expect && options.expect !== dialog) return 'stale';
  const handlers = dialog.steps[record.step] ?? {};
  let effective = input;
  if (input.kind === 'text' && input.attachments.length === 0) {
    // A typed command acts on the current card; one the step does not know is just an answer.
    const command = dialog.commands?.(input.text.trim());
    if (command && handlers[command.action]) effective = { kind: 'action', action: command.action, params: command.params ?? {} };
  } else if (input.kind === 'action' && !isCurrentStep(envelope, options.cardId, input.params)) {
    return options.cardId === envelope.cardId ? 'repeated' : 'stale';
  }
  const handler = effective.kind === 'text' ? handlers.answer : handlers[effective.action];
  const result = handler
    ? await handler(envelope.state, effective, turn)
    : dialog.otherwise
      ? await dialog.otherwise(envelope.state, effective, turn)
      : ({ status: 'skipped' } as const);
  // A click the current step has no handler for (e.g. replayed from an older step) changes nothing.
  if (result.status === 'skipped' && effective.kind === 'action' && input.kind === 'action') return 'stale';
  apply(ctx, dialog, turn, result, envelope);
  return result.status;
}

/**
 * Runs `step` on the dialog stored under `key` for an event its owner did not send (a template changed while
 * they filled it in). Only a live dialog of this definition's version is stepped; an expired or outdated one is
 * left for the owner's next input, which says so. The result is applied as an input's would be.
 */
export async function stepDialog<T>(
  ctx: DecisionContext,
  dialog: Dialog<T, any[]>,
  key: string,
  step: (state: T, turn: DialogTurn) => StepResult<T> | Promise<StepResult<T>>,
): Promise<DialogOutcome> {
  const record = await ctx.getDialog(key);
  if (!record) return 'none';
  if (record.dialog !== dialog.id || record.version !== dialog.version) return 'outdated';
  if (ctx.now.getTime() > record.expiresAt) return 'expired';
  const envelope = record.data as DialogEnvelope<T>;
  const turn = makeTurn(ctx, envelope.owner, key, undefined, envelope.cardId);
  const result = await step(envelope.state, turn);
  apply(ctx, dialog, turn, result, envelope);
  return result.status;
}

/** Middleware: clicks on dialog cards go to their dialog; one-to-one text goes to the keys `textKeys` names. */
export function dialogMiddleware(dialogs: readonly AnyDialog[], textKeys: (ctx: BotContext) => Promise<string[]>): Middleware<BotContext> {
  return async (ctx, next) => {
    const event = ctx.event;
    if (event.kind === 'card.action') {
      const dialog = dialogs.find((d) => d.actions.has(event.action));
      if (!dialog) return next();
      const key = dialog.keyFor(ctx.actingFor, event.params);
      const input: DialogInput = { kind: 'action', action: event.action, params: event.params };
      const outcome = await resumeDialog(ctx, dialogs, key, input, { cardId: event.cardId, expect: dialog });
      // No dialog at all (it completed): a feature may still know the click (a second 提交 tap); else the
      // fallback says the card is outdated.
      if (outcome === 'none') return next();
      if (outcome === 'stale') ctx.reply(STALE_CARD_TEXT);
      if (outcome === 'repeated') ctx.reply(REPEATED_STEP_TEXT);
      return;
    }
    if (ctx.isGroup) return next();
    const input: DialogInput = { kind: 'text', text: event.text, attachments: event.attachments };
    for (const key of await textKeys(ctx)) {
      const outcome = await resumeDialog(ctx, dialogs, key, input);
      if (outcome === 'handled' || outcome === 'complete') return;
    }
    return next();
  };
}

/**
 * A click acts on the current step only: its buttons carry the step's token. Envelopes stored before tokens
 * existed fall back to the card id (each step then had a card of its own).
 */
function isCurrentStep(envelope: DialogEnvelope<unknown>, cardId: string | undefined, params: Record<string, string>): boolean {
  return envelope.token ? params[STEP_PARAM] === envelope.token : cardId === envelope.cardId;
}

// Deterministic per decision (a retried decision makes the same token), different for every step shown; short,
// since it rides in every button and a card's buttons must fit in one 1 KB template value (src/dingtalk/render.ts).
function stepToken(ctx: DecisionContext, key: string): string {
  return createHash('sha256').update(`step:${ctx.seed}:${key}`).digest('hex').slice(0, 8);
}

function withToken(card: Card, token: string | undefined): Card {
  if (!token || !card.buttons?.length) return card;
  return { ...card, buttons: card.buttons.map((b): CardButton => ({ ...b, params: { ...b.params, [STEP_PARAM]: token } })) };
}

function makeTurn(ctx: DecisionContext, owner: string, key: string, event: ChatEvent | undefined, cardId?: string): DialogTurn {
  return {
    ctx,
    owner,
    key,
    ...(event ? { event } : {}),
    ...(cardId ? { cardId } : {}),
    tell: (content) => void ctx.send({ kind: 'user', userId: owner }, content, { owner }),
  };
}

function apply<T>(
  ctx: DecisionContext,
  dialog: Dialog<T, any[]>,
  turn: DialogTurn,
  result: StepResult<T>,
  before: DialogEnvelope<unknown> | undefined,
): void {
  const to = { kind: 'user', userId: turn.owner } as const;
  const inPlace = dialog.inPlace === true && ctx.services.cardsInPlace === true;
  if (result.status === 'complete') {
    if (before) ctx.removeDialog(turn.key);
    if (result.card && inPlace && before?.cardId) ctx.updateCard(before.cardId, result.card, to, turn.owner);
    return;
  }
  if (result.status !== 'handled') return;
  let cardId = before?.cardId;
  let token = before?.token;
  if (result.card) {
    token = stepToken(ctx, turn.key);
    const card = withToken(result.card, token);
    if (inPlace && cardId) ctx.updateCard(cardId, card, to, turn.owner);
    else cardId = ctx.send(to, card, { owner: turn.owner });
  }
  // Its own message (the 一次性告知 of what is missing), whose buttons act on the step it was sent at.
  if (result.aside) ctx.send(to, withToken(result.aside, token), { owner: turn.owner });
  const envelope: DialogEnvelope<T> = { owner: turn.owner, ...(cardId ? { cardId } : {}), ...(token ? { token } : {}), state: result.data };
  const now = ctx.now.getTime();
  const record: DialogRecord = {
    key: turn.key,
    dialog: dialog.id,
    version: dialog.version,
    step: result.step,
    data: envelope,
    updatedAt: now,
    expiresAt: now + dialog.ttl.hours * HOUR_MS,
    ...(dialog.subjectOf ? { subject: dialog.subjectOf(result.data) } : {}),
  };
  ctx.putDialog(record);
}
