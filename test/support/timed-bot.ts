// The bot harness driven by a FakeClock with the real outbox over its store: time moves only when a test says
// so, and every job that comes due on the way runs (timers go back through the bot's one handle()); what was
// sent one-to-one is collected. No sleeping.
import type { Card } from '../../cards/card.js';
import { botStartTimers } from '../../handlers/index.js';
import { timerEvent, type TimerJobPayload } from '../../src/bot/inbound.js';
import { effectsToJobs, type MessageJobPayload } from '../../src/bot/jobs.js';
import { FakeClock } from '../../src/fake-clock.js';
import { createOutbox, type Outbox } from '../../src/outbox/dispatcher.js';
import { silentLogger } from './backoffice-harness.js';
import { BotHarness, type HarnessOptions } from './bot-harness.js';

/** One message or card the outbox delivered. */
export interface Delivered {
  to: string;
  text?: string;
  card?: Card;
  at: string;
}

/** A BotHarness whose time is a FakeClock and whose jobs an outbox delivers. */
export class TimedBot {
  readonly delivered: Delivered[] = [];
  outbox!: Outbox;

  private constructor(
    readonly h: BotHarness,
    readonly clock: FakeClock,
  ) {}

  /** Starts at `start` with the composition root's start timers committed (the daily digest). */
  static async create(start: string, options: HarnessOptions = {}): Promise<TimedBot> {
    const clock = new FakeClock(Date.parse(start));
    const h = await BotHarness.create({ ...options, now: new Date(clock.now()) });
    const timed = new TimedBot(h, clock);
    timed.openOutbox();
    await h.store.commit({
      jobs: { put: effectsToJobs(botStartTimers(clock.now()), { source: 'start', now: clock.now(), newId: () => crypto.randomUUID() }) },
    });
    return timed;
  }

  /** Moves time to `iso`, running every job that comes due on the way, in order. */
  async until(iso: string): Promise<void> {
    const target = Date.parse(iso);
    await this.outbox.drain();
    for (let next = await this.h.store.nextJobAt(); next !== undefined && next <= target; next = await this.h.store.nextJobAt()) {
      await this.moveTo(Math.max(next, this.clock.now()));
      await this.outbox.drain();
    }
    await this.moveTo(target);
  }

  /** The texts delivered to `userId`, in order. */
  textsTo(userId: string): string[] {
    return this.delivered.filter((d) => d.to === userId && d.text).map((d) => d.text!);
  }

  /** A process restart: the store and bot reopen on the same files, the outbox is rebuilt. */
  async restart(): Promise<void> {
    await this.outbox.stop();
    await this.h.restart();
    this.openOutbox();
  }

  async close(): Promise<void> {
    await this.outbox.stop();
    await this.h.close();
  }

  /** Runs the jobs due now (what the bot committed is already in the store). */
  async flush(): Promise<void> {
    await this.outbox.drain();
  }

  private async moveTo(at: number): Promise<void> {
    await this.clock.advance(at - this.clock.now());
    this.h.now = new Date(this.clock.now());
  }

  private openOutbox(): void {
    const record = (payload: MessageJobPayload | { to: MessageJobPayload['to']; card: Card }) => {
      const to = payload.to.kind === 'user' ? payload.to.userId : payload.to.conversationId;
      const content = 'message' in payload ? { text: payload.message.text, card: payload.message.card } : { card: payload.card };
      this.delivered.push({ to, ...content, at: new Date(this.clock.now()).toISOString() });
    };
    this.outbox = createOutbox({
      store: this.h.store,
      clock: this.clock,
      logger: silentLogger,
      handlers: {
        'dingtalk.message': async (job) => record(job.payload as MessageJobPayload),
        'dingtalk.card.update': async (job) => record(job.payload as { to: MessageJobPayload['to']; card: Card }),
        'backoffice.submit': async () => undefined,
        'backoffice.supplement': async () => undefined,
        'backoffice.withdraw': async () => undefined,
        timer: async (job) => void (await this.h.bot.handle(timerEvent(job.payload as TimerJobPayload, this.clock.now()))),
      },
    });
  }
}
