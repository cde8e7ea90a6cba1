// Test harness for the bot (layer 2): the real lowdb store in a temporary DATA_DIR, the seed catalogue,
// an injected clock, and helpers that play realistic inbound events and read what the bot decided.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Card, CardButton } from '../../cards/card.js';
import { botHandlers } from '../../handlers/index.js';
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import type { WebhookOutcome } from '../../src/backoffice/webhook.js';
import { createBot, statusOutcome, type Bot, type HandleResult } from '../../src/bot/bot.js';
import type { Effect, Target } from '../../src/bot/effects.js';
import {
  backofficeStatusEvent,
  type Attachment,
  type CardActionEvent,
  type InboundEvent,
  type MessageEvent,
} from '../../src/bot/inbound.js';
import type { Licence, LicenceLookup, LicenceSource } from '../../src/elicence/licence.js';
import { silentLogger } from '../../src/logger.js';
import type { InboundBudgetOptions } from '../../src/bot/inbound-budget.js';
import { promisedDeadline } from '../../src/domain/deadline.js';
import { createHolidayCalendar } from '../../src/domain/holiday-calendar.js';
import { timeLimitFor } from '../../src/domain/situations.js';
import { loadMattersOrThrow } from '../../src/config-files.js';
import type { Matter } from '../../src/domain/types.js';
import { LiveCatalogue } from '../../src/templates/live-catalogue.js';
import { applyRecords, seedRecords } from '../../src/templates/seed.js';
import { sensitiveFieldKeys } from '../../src/domain/sensitive-fields.js';
import { createStore } from '../../src/store/create-store.js';
import { DataCipher } from '../../src/store/data-cipher.js';
import type { Store } from '../../src/store/store.js';
import { TEST_DATA_KEY } from './harness.js';

export const USERS = {
  zhang: { userId: 'citizen-zhang', name: '张三', idCard: '330106198503122031' },
  li: { userId: 'citizen-li', name: '李四', idCard: '330102199007181533' },
  chen: { userId: 'clerk-chen', name: '陈静', idCard: '33010619880921406X' },
  zhao: { userId: 'clerk-zhao', name: '赵磊', idCard: '330108198706304137' },
  admin: { userId: 'admin-liu', name: '刘主任', idCard: '' },
} as const;
export type UserKey = keyof typeof USERS;

export const GROUP_ID = 'cid-group-qyfw';

/** A licence source over a fixed table (holderId → licences); `down` makes it unavailable. */
export function tableLicences(table: Record<string, Licence[]>): LicenceSource & { down: boolean; calls: string[] } {
  const source = {
    down: false,
    calls: [] as string[],
    async lookup(holderId: string, type?: string): Promise<LicenceLookup> {
      source.calls.push(holderId);
      if (source.down) return { status: 'unavailable', reason: 'connection refused' };
      const licences = table[holderId]?.filter((l) => type === undefined || l.type === type);
      return licences?.length ? { status: 'found', licences } : { status: 'none' };
    },
  };
  return source;
}

export const SAMPLE_LICENCES: Record<string, Licence[]> = {
  [USERS.zhang.idCard]: [
    {
      type: '居民身份证',
      number: USERS.zhang.idCard,
      holderName: '张三',
      issuer: '杭州市公安局西湖分局',
      issuedAt: '2015-03-12',
      validUntil: '2035-03-12',
      fileUrl: 'https://elicence.example/1',
    },
    {
      type: '不动产权证书',
      number: '浙(2021)杭州市不动产权第0123456号',
      holderName: '张三',
      issuer: '杭州市不动产登记中心',
      issuedAt: '2021-06-01',
      fileUrl: 'https://elicence.example/2',
    },
  ],
  [USERS.zhao.idCard]: [
    {
      type: '居民身份证',
      number: USERS.zhao.idCard,
      holderName: '赵磊',
      issuer: '杭州市公安局滨江分局',
      issuedAt: '2015-06-30',
      validUntil: '2035-06-30',
      fileUrl: 'https://elicence.example/4',
    },
  ],
  [USERS.chen.idCard]: [
    {
      type: '居民身份证',
      number: USERS.chen.idCard,
      holderName: '陈静',
      issuer: '杭州市公安局西湖分局',
      issuedAt: '2017-09-21',
      validUntil: '2037-09-21',
      fileUrl: 'https://elicence.example/5',
    },
  ],
  // 赵磊 is the legal representative of 西溪餐饮; 陈静 is a clerk of 一次办科技, whose legal representative is 张三.
  '91330106MA27WX5B3W': [
    {
      type: '营业执照',
      number: '91330106MA27WX5B3W',
      holderName: '杭州西溪餐饮管理有限公司',
      issuer: '杭州市西湖区市场监督管理局',
      issuedAt: '2019-08-20',
      fileUrl: 'https://elicence.example/3',
      legalRepresentative: { name: '赵磊', idNumber: USERS.zhao.idCard },
    },
  ],
  '91330106MA2H7Q3K8C': [
    {
      type: '营业执照',
      number: '91330106MA2H7Q3K8C',
      holderName: '杭州一次办科技有限公司',
      issuer: '杭州市西湖区市场监督管理局',
      issuedAt: '2023-03-01',
      fileUrl: 'https://elicence.example/6',
      legalRepresentative: { name: '张三', idNumber: USERS.zhang.idCard },
    },
  ],
};

export interface HarnessOptions {
  now?: Date;
  dataDir?: string;
  licences?: LicenceSource & { down?: boolean };
  /** Replaces or extends the seed catalogue. */
  matters?: (seed: Matter[]) => Matter[];
  /** Per-sender inbound budget; default generous, since scripted players answer in no time. */
  inboundBudget?: InboundBudgetOptions;
  /** Wraps the real store (e.g. to inject commit failures); default none. */
  wrapStore?: (store: Store) => Store;
  adminUserIds?: string[];
  /** The PostgreSQL store at this URL instead of the lowdb store in dataDir. */
  databaseUrl?: string;
  /** A card template is configured: in-place dialogs update their one card (default: every step is posted). */
  cardsInPlace?: boolean;
}

const GENEROUS_BUDGET: InboundBudgetOptions = { capacity: 1_000, windowMs: 10_000 };

/** One bot over one store; `restart()` reopens both on the same files. */
export class BotHarness {
  bot!: Bot;
  store!: Store;
  /** The lowdb store itself (the same as `store` unless wrapStore was given). */
  rawStore!: Store;
  now: Date;
  readonly results: HandleResult[] = [];
  private counter = 0;
  /** The live catalogue the bot reads; a test publishes into it like an admin does (kept across restarts). */
  readonly catalogue: LiveCatalogue;

  private constructor(
    readonly dataDir: string,
    readonly matters: Matter[],
    readonly licences: LicenceSource & { down?: boolean },
    now: Date,
    private readonly options: HarnessOptions = {},
  ) {
    this.now = now;
    this.catalogue = new LiveCatalogue(matters);
  }

  static async create(options: HarnessOptions = {}): Promise<BotHarness> {
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'yc-bot-')));
    const seed = await loadMattersOrThrow('config/matters');
    const matters = options.matters ? options.matters(seed) : seed;
    const harness = new BotHarness(
      dataDir,
      matters,
      options.licences ?? tableLicences(SAMPLE_LICENCES),
      options.now ?? new Date('2026-01-05T02:00:00Z'),
      options,
    );
    await harness.open();
    return harness;
  }

  private async open(): Promise<void> {
    const sensitive = (m: { id: string; version: number }) => {
      const matter = this.catalogue.at(m.id, m.version) ?? this.catalogue.get(m.id);
      return matter ? sensitiveFieldKeys(matter) : undefined;
    };
    this.rawStore = createStore(
      { dataDir: this.dataDir, databaseUrl: this.options.databaseUrl },
      { now: () => this.now.getTime(), cipher: new DataCipher({ current: TEST_DATA_KEY }), sensitive },
    );
    await this.rawStore.open();
    // The templates in the store, as the app seeds them on a first start (admin commands read them there).
    let seeded = 0;
    const seed = await seedRecords(this.rawStore, this.matters, {
      now: this.now.getTime(),
      actor: { type: 'system', id: 'seed' },
      newId: () => `seed-${(seeded += 1)}`,
    });
    if (seed.length > 0) await this.rawStore.commit({ records: { put: seed } });
    this.store = this.options.wrapStore ? this.options.wrapStore(this.rawStore) : this.rawStore;
    const calendar = createHolidayCalendar();
    let ids = 0;
    this.bot = createBot({
      store: this.store,
      catalogue: this.catalogue,
      licences: this.licences,
      clock: () => this.now,
      logger: silentLogger,
      adminUserIds: this.options.adminUserIds ?? [USERS.admin.userId],
      inboundBudget: this.options.inboundBudget ?? GENEROUS_BUDGET,
      deadlineFor: (acceptedAt, matter, answers) => promisedDeadline(calendar, acceptedAt, timeLimitFor(matter, answers).promisedDays),
      calendar,
      newId: () => `job-${(ids += 1)}-${this.counter}`,
      handlers: botHandlers,
      cardsInPlace: this.options.cardsInPlace ?? true,
      onRecords: (records) => applyRecords(this.catalogue, records),
    });
  }

  /** Closes the store and opens a new store and bot on the same directory (a process restart). */
  async restart(): Promise<void> {
    await this.rawStore.close();
    await this.open();
  }

  /** Closes the store and starts the bot again on the PostgreSQL store at `databaseUrl` (same DATA_KEY). */
  async restartOn(databaseUrl: string): Promise<void> {
    await this.rawStore.close();
    this.options.databaseUrl = databaseUrl;
    await this.open();
  }

  async close(): Promise<void> {
    await this.rawStore.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  /** A one-to-one text (and/or attachments) message from `user`. */
  message(user: UserKey, text: string, extra: Partial<MessageEvent> = {}): MessageEvent {
    const { userId, name } = USERS[user];
    return {
      kind: 'message',
      id: `msg-${(this.counter += 1)}`,
      conversation: { id: `cid-single-${userId}`, type: 'single' },
      sender: { userId, name },
      text,
      attachments: [],
      mentioned: true,
      receivedAt: this.now.getTime(),
      ...extra,
    };
  }

  async say(user: UserKey, text: string, extra: Partial<MessageEvent> = {}): Promise<Effect[]> {
    return this.run(this.message(user, text, extra));
  }

  async sayInGroup(user: UserKey, text: string, mentioned = true): Promise<Effect[]> {
    return this.say(user, text, { conversation: { id: GROUP_ID, type: 'group', title: '企业服务群' }, mentioned });
  }

  async upload(user: UserKey, ...files: string[]): Promise<Effect[]> {
    const attachments: Attachment[] = files.map((fileName, i) => ({ kind: 'file', downloadCode: `dc-${this.counter}-${i}`, fileName }));
    return this.say(user, '', { attachments });
  }

  /** A click by `user` on `button` of the card `cardId` (params as DingTalk posts them back). */
  click(user: UserKey, cardId: string, button: CardButton, extra: Partial<CardActionEvent> = {}): Promise<Effect[]> {
    const { userId } = USERS[user];
    const { action: _action, ...params } = button.params ?? {};
    const event: CardActionEvent = {
      kind: 'card.action',
      id: `card:${cardId}:${userId}:${(this.counter += 1)}`,
      conversation: { id: `cid-single-${userId}`, type: 'single' },
      sender: { userId, name: '' },
      action: button.action,
      params,
      cardId,
      receivedAt: this.now.getTime(),
      ...extra,
    };
    return this.run(event);
  }

  async run(event: InboundEvent): Promise<Effect[]> {
    const result = await this.bot.handle(event);
    this.results.push(result);
    return 'effects' in result ? result.effects : [];
  }

  /** A back-office status event through the bot's one `handle`, answered as the webhook would. */
  async backoffice(event: BackofficeEvent): Promise<WebhookOutcome> {
    const result = await this.bot.handle(backofficeStatusEvent(event, this.now.getTime()));
    this.results.push(result);
    return statusOutcome(result);
  }
}

/** The sends of a list of effects. */
export function sends(effects: Effect[]): Extract<Effect, { type: 'send' }>[] {
  return effects.filter((e): e is Extract<Effect, { type: 'send' }> => e.type === 'send');
}

/** The cards sent, with their ids. */
export function cards(effects: Effect[]): { card: Card; cardId: string; to: Target }[] {
  return sends(effects).flatMap((e) =>
    e.message.card && e.message.cardId ? [{ card: e.message.card, cardId: e.message.cardId, to: e.to }] : [],
  );
}

/** The cards updated in place, with their ids. */
export function cardUpdates(effects: Effect[]): { card: Card; cardId: string; to: Target }[] {
  return effects.flatMap((e) => (e.type === 'card.update' ? [{ card: e.card, cardId: e.cardId, to: e.to }] : []));
}

/** The last card sent; fails the test when there is none. */
export function lastCard(effects: Effect[]): { card: Card; cardId: string; to: Target } {
  const all = cards(effects);
  const last = all[all.length - 1];
  if (!last) throw new Error(`no card among the effects: ${JSON.stringify(effects)}`);
  return last;
}

/** The texts sent. */
export function texts(effects: Effect[]): string[] {
  return sends(effects).flatMap((e) => (e.message.text ? [e.message.text] : []));
}

/** Plays one user's side of a dialog: remembers the last card the bot sent them (or updated in place). */
export class Player {
  current?: { card: Card; cardId: string };
  effects: Effect[] = [];

  constructor(
    readonly h: BotHarness,
    readonly user: UserKey,
  ) {}

  get card(): Card {
    if (!this.current) throw new Error('no card yet');
    return this.current.card;
  }

  async say(text: string): Promise<Effect[]> {
    return this.track(await this.h.say(this.user, text));
  }

  async upload(...files: string[]): Promise<Effect[]> {
    return this.track(await this.h.upload(this.user, ...files));
  }

  /** Clicks the button labelled `text` on the current card. */
  async click(text: string): Promise<Effect[]> {
    if (!this.current) throw new Error('no card to click');
    return this.track(await this.h.click(this.user, this.current.cardId, buttonOf(this.current.card, text)));
  }

  private track(effects: Effect[]): Effect[] {
    this.effects = effects;
    const shown = effects.flatMap((e) => [...cards([e]), ...cardUpdates([e])]);
    const last = shown.filter((c) => c.to.kind === 'user').at(-1);
    if (last) this.current = { card: last.card, cardId: last.cardId };
    return effects;
  }
}

/** A button of a card by its text (or action id). */
export function buttonOf(card: Card, text: string): CardButton {
  const found = card.buttons?.find((b) => b.text === text || b.action === text);
  if (!found) throw new Error(`no button "${text}" on card "${card.title}": ${card.buttons?.map((b) => b.text).join(', ')}`);
  return found;
}

/** Everything a card says, flattened, for `includes` checks. */
export function cardText(card: Card): string {
  const sections = card.sections.map((s) => (s.kind === 'markdown' ? s.text : s.items.map((i) => `${i.label}：${i.value}`).join('\n')));
  return [card.title, card.status?.text ?? '', ...sections, ...(card.buttons ?? []).map((b) => b.text), card.footnote ?? ''].join('\n');
}

/** Plays a complete 个体工商户设立登记 application for `user` (no e-licences, both materials uploaded); returns its number. */
export async function submitIndividualBusiness(h: BotHarness, user: UserKey): Promise<string> {
  const p = new Player(h, user);
  await p.say('我要办 个体工商户设立登记');
  await p.click('不同意，自己填写上传');
  await p.say(USERS[user].name);
  await p.say(USERS[user].idCard);
  await p.click('跳过');
  for (const answer of ['小吃服务', '杭州市西湖区文三路100号', '13800000001']) await p.say(answer);
  await p.upload('身份证.jpg');
  await p.upload('租赁合同.pdf');
  await p.click('提交');
  const match = /^办件 (YC\d{8}-\d{4})$/.exec(p.card.title);
  if (!match) throw new Error(`submission failed; last card: ${p.card.title}`);
  return match[1]!;
}
