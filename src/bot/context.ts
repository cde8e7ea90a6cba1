// The per-decision context (STYLE.md: "a fresh context per request", kept small). It reads through to the
// store, and records every change and effect in memory; the bot turns the record into one commit. Nothing
// here writes: if a handler throws, the record is simply dropped.
import type { Card, CardButton } from '../../cards/card.js';
import { formatApplicationId, parseApplicationId } from '../domain/application-id.js';
import type { HolidayCalendar } from '../domain/holiday-calendar.js';
import type { Application, Matter } from '../domain/types.js';
import type { ApplicationQuery, DialogRecord, RecordQuery, Store, StoredRecord } from '../store/store.js';
import { makeCardId } from './card-id.js';
import { StagedRecords } from './staged-records.js';
import type { Effect, OutboundMessage, Target } from './effects.js';
import type { ChatEvent, MessageEvent, SessionWebhook } from './inbound.js';
import type { LicenceLookup, LicenceSource } from '../elicence/licence.js';
import type { MatterSource } from '../domain/matter.js';
import { visibleCard, visibleText } from './masking.js';
import type { BotLogger } from '../logger.js';

/** What every decision may use; built once by createBot. */
export interface BotServices {
  store: Store;
  /** The live matter catalogue (published versions; changes on publish without a restart). */
  catalogue: MatterSource;
  licences: LicenceSource;
  clock: () => Date;
  adminUserIds: ReadonlySet<string>;
  /** BROADCASTER_USER_IDS: may publish notices (admins may too). */
  broadcasterUserIds?: ReadonlySet<string>;
  /** DINGTALK_AGENT_ID is set: 工作通知 is offered. */
  workNotices?: boolean;
  /** DINGTALK_CARD_TEMPLATE_ID is set: a sent card can be updated in place (without it, an update is posted anew). */
  cardsInPlace?: boolean;
  deadlineFor: (acceptedAt: Date, matter: Matter, answers: Readonly<Record<string, string>>) => string;
  /** Working days (holidays, 调休) for the deadline clock and its warnings. */
  calendar: HolidayCalendar;
  /** Prefix of new application numbers (APPLICATION_ID_PREFIX); default YC. */
  applicationIdPrefix?: string;
}

/** Content of a message: plain text or a card. */
export type Content = string | Card;

/** Options of a send: who owns the card (null = anyone may click), whom to @ in a group. */
export interface SendOptions {
  owner?: string | null;
  atUserIds?: string[];
  /** The reply URL of the message being answered (the messenger prefers it while valid). */
  sessionWebhook?: SessionWebhook;
}

/** Changes and effects of one decision, with read-through access to the store. */
export class DecisionContext {
  readonly now: Date;
  readonly effects: Effect[] = [];
  private readonly applications = new Map<string, Application>();
  private readonly dialogPuts = new Map<string, DialogRecord>();
  private readonly dialogRemoves = new Set<string>();
  /** The revision of every dialog read from the store (0: none stored), checked again at the commit. */
  private readonly dialogReads = new Map<string, number>();
  private readonly metaPuts = new Map<string, unknown>();
  private readonly records: StagedRecords;
  private cards = 0;

  constructor(
    readonly services: BotServices,
    /** Seed of deterministic card ids: a retried decision makes the same ids. */
    readonly seed: string,
    readonly log: BotLogger,
  ) {
    this.now = services.clock();
    this.records = new StagedRecords(services.store);
  }

  /** The current published version of an active matter (what a new application uses). */
  matter(id: string): Matter | undefined {
    return this.services.catalogue.get(id);
  }

  /** The template version an application was filed under (falls back to the current one if unknown). */
  matterOf(app: Pick<Application, 'matter'>): Matter | undefined {
    return this.services.catalogue.at(app.matter.id, app.matter.version) ?? this.services.catalogue.get(app.matter.id);
  }

  /** True when the user may act on anyone's cards. */
  isAdminUser(userId: string): boolean {
    return this.services.adminUserIds.has(userId);
  }

  /** Sends text or a card, personal numbers masked; returns the new card's id (owned by the recipient user unless told otherwise). */
  send(to: Target, content: Content, options: SendOptions = {}): string | undefined {
    const message: OutboundMessage = typeof content === 'string' ? { text: visibleText(content) } : this.cardMessage(to, content, options);
    if (options.atUserIds?.length) message.atUserIds = options.atUserIds;
    this.effects.push({ type: 'send', to, message, ...(options.sessionWebhook ? { sessionWebhook: options.sessionWebhook } : {}) });
    return message.cardId;
  }

  /** Replaces a sent card in place (personal numbers masked like in send). */
  updateCard(cardId: string, card: Card, to: Target, owner: string | null): void {
    this.effects.push({ type: 'card.update', cardId, card: stampOwner(visibleCard(card, to, owner), owner), to });
  }

  /**
   * Asks for a `timer` event named `name` at `at`. A timer cannot be cancelled: its handler looks at the
   * state when it fires and does nothing when the moment has passed (the application was decided, paused…).
   */
  schedule(name: string, key: string, at: Date | number, payload: unknown = {}): void {
    this.effects.push({ type: 'timer', name, key, at: typeof at === 'number' ? at : at.getTime(), payload });
  }

  /** Starts sending the stored notice `noticeId` (resolve its audience, then the batches). */
  broadcast(noticeId: string): void {
    this.effects.push({ type: 'broadcast', noticeId });
  }

  /** True for BROADCASTER_USER_IDS and ADMIN_USER_IDS: who may publish notices. */
  mayBroadcast(userId: string): boolean {
    return this.services.broadcasterUserIds?.has(userId) === true || this.services.adminUserIds.has(userId);
  }

  /** Records a back-office call for the outbox. */
  callBackoffice(call: 'submit' | 'withdraw' | 'supplement', applicationId: string, payload: Record<string, unknown> = {}): void {
    this.effects.push({ type: 'backoffice', call, applicationId, payload: { applicationId, ...payload } });
  }

  /** Stages an application document (its rev must be the stored rev + 1). */
  saveApplication(app: Application): void {
    this.applications.set(app.id, app);
  }

  async getApplication(id: string): Promise<Application | undefined> {
    return this.applications.get(id) ?? (await this.services.store.getApplication(id));
  }

  async findApplications(query: ApplicationQuery): Promise<{ total: number; items: Application[] }> {
    return this.services.store.findApplications(query);
  }

  /** The ids findApplications would list (no document is read). */
  async findApplicationIds(query: ApplicationQuery): Promise<{ total: number; ids: string[] }> {
    return this.services.store.findApplicationIds(query);
  }

  /** The store numbers the day (one counter per deployment); the deployment's prefix is put on here. */
  async nextApplicationId(day: string): Promise<string> {
    const { day: ymd, seq } = parseApplicationId(await this.services.store.nextApplicationId(day))!;
    return formatApplicationId(ymd, seq, this.services.applicationIdPrefix);
  }

  /** Looks up e-licences; a failing source counts as unavailable, never as a bug. */
  async lookupLicences(holderId: string, type?: string): Promise<LicenceLookup> {
    try {
      return await this.services.licences.lookup(holderId, type);
    } catch (error) {
      this.log.warn({ err: error }, 'e-licence lookup failed');
      return { status: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async getDialog(key: string): Promise<DialogRecord | undefined> {
    if (this.dialogRemoves.has(key)) return undefined;
    const staged = this.dialogPuts.get(key);
    if (staged) return staged;
    const stored = await this.services.store.getDialog(key);
    if (!this.dialogReads.has(key)) this.dialogReads.set(key, stored === undefined ? 0 : (stored.rev ?? 1));
    return stored;
  }

  /** The dialogs about `subject` as the store would list them after this decision's staged changes. */
  async findDialogs(subject: string): Promise<DialogRecord[]> {
    const stored = (await this.services.store.findDialogs(subject)).filter(
      (d) => !this.dialogPuts.has(d.key) && !this.dialogRemoves.has(d.key),
    );
    const staged = [...this.dialogPuts.values()].filter((d) => d.subject === subject);
    return [...stored, ...staged].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  putDialog(record: DialogRecord): void {
    this.dialogRemoves.delete(record.key);
    this.dialogPuts.set(record.key, record);
  }

  removeDialog(key: string): void {
    this.dialogPuts.delete(key);
    this.dialogRemoves.add(key);
  }

  /** A small stored document (see Commit.meta), staged changes first. */
  async getMeta<T>(key: string): Promise<T | undefined> {
    if (this.metaPuts.has(key)) return (this.metaPuts.get(key) ?? undefined) as T | undefined;
    return this.services.store.getMeta<T>(key);
  }

  /** Stages a small document; null deletes it. */
  putMeta(key: string, value: unknown): void {
    this.metaPuts.set(key, value);
  }

  /** A feature record, staged changes first. */
  getRecord<T>(kind: string, id: string): Promise<StoredRecord<T> | undefined> {
    return this.records.get<T>(kind, id);
  }

  /** Records of a kind as the store would list them after this decision's staged changes. */
  findRecords<T>(kind: string, query: RecordQuery = {}): Promise<{ total: number; items: StoredRecord<T>[] }> {
    return this.records.find<T>(kind, query);
  }

  /** Stages a feature record (its rev must be the stored rev + 1; 1 for a new one). */
  saveRecord<T>(record: StoredRecord<T>): void {
    this.records.save(record);
  }

  /** Stages the removal of a feature record. */
  removeRecord(kind: string, id: string): void {
    this.records.remove(kind, id);
  }

  /** The staged state changes (the effects are in `effects`). */
  changes(): {
    applications: Application[];
    dialogs: { put: DialogRecord[]; remove: string[]; expect: Record<string, number> };
    records: { put: StoredRecord[]; remove: { kind: string; id: string }[] };
    meta: Record<string, unknown>;
  } {
    // A dialog put carries the read revision + 1 (the store refuses it if another decision wrote in between);
    // every other dialog read must still be as read. A put of a dialog never read replaces what is stored.
    const put = [...this.dialogPuts.values()].map((record) => {
      const read = this.dialogReads.get(record.key);
      return read === undefined ? record : { ...record, rev: read + 1 };
    });
    const expect = Object.fromEntries([...this.dialogReads].filter(([key]) => !this.dialogPuts.has(key)));
    return {
      applications: [...this.applications.values()],
      dialogs: { put, remove: [...this.dialogRemoves], expect },
      records: this.records.commit(),
      meta: Object.fromEntries(this.metaPuts),
    };
  }

  private cardMessage(to: Target, card: Card, options: SendOptions): OutboundMessage {
    const owner = options.owner !== undefined ? options.owner : to.kind === 'user' ? to.userId : null;
    const cardId = makeCardId(`${this.seed}#${(this.cards += 1)}`, owner);
    return { card: stampOwner(visibleCard(card, to, owner), owner), cardId };
  }
}

/** The context of one chat event (message or card click). */
export class BotContext extends DecisionContext {
  /** The user the bot acts for: the sender, or the card's owner when an admin clicks someone's card. */
  actingFor: string;
  /** Set by the dedupe middleware: the event was processed before; nothing is committed. */
  duplicate = false;

  constructor(
    services: BotServices,
    readonly event: ChatEvent,
    log: BotLogger,
  ) {
    super(services, event.id, log);
    this.actingFor = event.sender.userId;
  }

  /** The message text, or undefined for a card click. */
  get text(): string | undefined {
    return this.event.kind === 'message' ? this.event.text.trim() : undefined;
  }

  get message(): MessageEvent | undefined {
    return this.event.kind === 'message' ? this.event : undefined;
  }

  get isGroup(): boolean {
    return this.event.conversation.type === 'group';
  }

  /** True only for ADMIN_USER_IDS: DingTalk's own org-admin flag grants nothing (issue 9). */
  get isAdmin(): boolean {
    return this.isAdminUser(this.event.sender.userId);
  }

  /** Where the event came from: the group, or the sender's one-to-one chat. */
  get here(): Target {
    return this.isGroup
      ? { kind: 'group', conversationId: this.event.conversation.id }
      : { kind: 'user', userId: this.event.sender.userId };
  }

  /** The sender's one-to-one chat with the bot. */
  get me(): Target {
    return { kind: 'user', userId: this.event.sender.userId };
  }

  /** Answers in the conversation of the event (in a group, @-mentioning the sender; group cards are public). */
  reply(content: Content, options: SendOptions = {}): string | undefined {
    const webhook = this.message?.sessionWebhook;
    const withWebhook = webhook ? { sessionWebhook: webhook, ...options } : options;
    if (!this.isGroup) return this.send(this.me, content, withWebhook);
    return this.send(this.here, content, { owner: null, atUserIds: [this.event.sender.userId], ...withWebhook });
  }

  /**
   * Sends to the sender's one-to-one chat (personal data never goes into a group); asked in a group, the
   * group gets only `groupNote`, a pointer to the private answer.
   */
  replyPrivately(content: Content, groupNote?: string): string | undefined {
    if (this.isGroup && groupNote) this.reply(groupNote);
    return this.send(this.me, content);
  }
}

// The owner rides along in every button's params so an admin's click can be mapped back to the owner;
// it is trusted only when it matches the owner tag inside the card id (see card-id.ts).
function stampOwner(card: Card, owner: string | null): Card {
  if (owner === null || !card.buttons?.length) return card;
  const buttons = card.buttons.map((button): CardButton => ({ ...button, params: { ...button.params, owner } }));
  return { ...card, buttons };
}
