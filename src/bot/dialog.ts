// Dialogs (STYLE.md "grammY conversations"): multi-step flows whose state is plain, versioned JSON in the
// Store. A definition reads top to bottom like the conversation; each step maps an input (free text or
// a card action) to a result: handled (show the next card), skipped (let other handlers have the input)
// or complete (the dialog ends).
import type { Card } from '../../cards/card.js';
import type { Attachment, ChatEvent } from './inbound.js';
import type { Content, DecisionContext } from './context.js';

/** What a dialog step sees: a typed reply (text and/or uploads) or a click / command. */
export type DialogInput =
  | { kind: 'text'; text: string; attachments: Attachment[] }
  | { kind: 'action'; action: string; params: Record<string, string> };

/**
 * Result of a step. `card` (when given) becomes the dialog's current card (a new step token: what was shown
 * before turns stale); `aside` is a card of its own, sent as a message, whose buttons act on the current step.
 */
export type StepResult<T> =
  | { status: 'handled'; step: string; data: T; card?: Card; aside?: Card }
  | { status: 'skipped' }
  /** `card`: the last state of an in-place dialog's one card (ignored without a card template: tell it instead). */
  | { status: 'complete'; card?: Card };

/** One turn of a dialog: the decision context, whose dialog it is, and a way to talk to its owner. */
export interface DialogTurn {
  ctx: DecisionContext;
  /** The inbound event of this turn; absent when the system started the dialog (a back-office event). */
  event?: ChatEvent;
  /** userId of the dialog's owner (an admin may act for them). */
  owner: string;
  key: string;
  /** The dialog's card so far (an in-place dialog's one card); absent before the first card is sent. */
  cardId?: string;
  /** Sends a message or card to the owner's one-to-one chat (not a dialog card: it never turns stale). */
  tell(content: Content): void;
}

export type StepHandler<T> = (data: T, input: DialogInput, turn: DialogTurn) => StepResult<T> | Promise<StepResult<T>>;

/** Handlers of one step: `answer` takes typed input, other keys are card action ids. */
export type StepHandlers<T> = { answer?: StepHandler<T> } & { [action: string]: StepHandler<T> | undefined };

/** A text command mapped to a card action (so "取消" works like the 取消 button). */
export interface DialogCommand {
  action: string;
  params?: Record<string, string>;
}

export interface DialogDefinition<T, A extends unknown[]> {
  id: string;
  /** Bump when the shape of T changes: stored state of another version is discarded. */
  version: number;
  ttl: { hours: number };
  start: (turn: DialogTurn, ...args: A) => StepResult<T> | Promise<StepResult<T>>;
  steps: Record<string, StepHandlers<T>>;
  /** Typed text that stands for a button; checked before the step's `answer`. */
  commands?: (text: string) => DialogCommand | undefined;
  /** Input no step handles; default: skip. */
  otherwise?: StepHandler<T>;
  /** The store key of the dialog for a card click by (or for) `owner`. */
  keyFor: (owner: string, params: Record<string, string>) => string;
  /** What the dialog is about (DialogRecord.subject, plain: never personal data), so it can be found by it. */
  subjectOf?: (data: T) => string;
  /** Told to the owner when the dialog has been idle longer than its ttl. */
  expiredNotice?: string;
  /**
   * One card for the whole dialog, updated in place at every step when cards can be (a card template is
   * configured); without a template every step is posted anew, as markdown messages cannot change.
   */
  inPlace?: boolean;
}

/** A defined dialog: the definition plus the set of card actions its steps answer. */
export interface Dialog<T = unknown, A extends unknown[] = unknown[]> extends DialogDefinition<T, A> {
  readonly actions: ReadonlySet<string>;
}

/** Declares a dialog; see handlers/apply/apply.ts for a full example. */
export function defineDialog<T, A extends unknown[] = []>(definition: DialogDefinition<T, A>): Dialog<T, A> {
  const actions = new Set<string>();
  for (const handlers of Object.values(definition.steps)) {
    for (const key of Object.keys(handlers)) if (key !== 'answer') actions.add(key);
  }
  return { ...definition, actions };
}

/** Continue at `step` with `data`, showing `card` as the new current card. */
export function show<T>(step: string, data: T, card: Card): StepResult<T> {
  return { status: 'handled', step, data, card };
}

/** Continue at `step` with `data`; the current card stays current. */
export function stay<T>(step: string, data: T): StepResult<T> {
  return { status: 'handled', step, data };
}

/** Continue at `step` with `data`; the current card stays current and `aside` goes out as its own message. */
export function stayWith<T>(step: string, data: T, aside: Card): StepResult<T> {
  return { status: 'handled', step, data, aside };
}

/** Not for this dialog: let the other handlers have the input. */
export function skip<T>(): StepResult<T> {
  return { status: 'skipped' };
}

/** The dialog is over; its state is removed and its cards turn stale (an in-place one shows `card` last). */
export function complete<T>(card?: Card): StepResult<T> {
  return card ? { status: 'complete', card } : { status: 'complete' };
}

/** The button param that carries the step token (see DialogEnvelope.token). */
export const STEP_PARAM = 'step';

/** The envelope stored in DialogRecord.data. */
export interface DialogEnvelope<T> {
  owner: string;
  /** Card id of the dialog's card (the current step's card, or the one card an in-place dialog updates). */
  cardId?: string;
  /**
   * The token every button of the current step carries (STEP_PARAM): a click carrying another one was made
   * on what an earlier step showed (an older card, a double tap, a redelivery) and is stale.
   */
  token?: string;
  state: T;
}
