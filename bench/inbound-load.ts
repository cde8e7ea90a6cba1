// The load of bench/inbound.ts: N robot messages from P people, W in flight (closed loop: a new message is pushed
// each time one is done, i.e. ACKed and answered). Every figure is taken where DingTalk would see it: on the
// simulator's side of the Stream socket (push, ACK) and of its HTTP server (the sessionWebhook reply).
import { performance } from 'node:perf_hooks';
import type { DingTalkSimulator, PushedFrame, RecordedAck, RecordedCall } from '../src/sandbox/dingtalk/index.js';
import { percentile } from './stats.js';

export interface LoadOptions {
  messages: number;
  /** Senders, in turn: message i comes from people[i % people.length]. */
  people: string[];
  inFlight: number;
  text: string;
  /** Fail when nothing was ACKed or answered for this long. */
  stallMs?: number;
}

export interface LoadFigures {
  messages: number;
  seconds: number;
  perSecond: number;
  ackP50: number;
  ackP99: number;
  replyP50: number;
  replyP99: number;
}

/** Pushes the messages and resolves with the figures once every one is ACKed and answered; rejects otherwise. */
export function pushMessages(dingtalk: DingTalkSimulator, options: LoadOptions): Promise<LoadFigures> {
  return new LoadRun(dingtalk, options).run();
}

interface Message {
  pushedAt: number;
  ackAt?: number;
  replyAt?: number;
}

type Listener = Parameters<DingTalkSimulator['events']['on']>[1];

const SESSION_PATH = '/robot/sendBySession';

/** One load run's state: messages by Stream messageId and by the session of their sessionWebhook. */
class LoadRun {
  private readonly byMessageId = new Map<string, Message>();
  private readonly bySession = new Map<string, Message>();
  private readonly sessionOfPush = new Map<string, string>();
  private readonly done: Message[] = [];
  private readonly problems: string[] = [];
  private readonly listeners: Array<[string, Listener]>;
  private pushed = 0;
  private firstPushAt = 0;
  private lastReplyAt = 0;
  private lastProgress = performance.now();
  private finished?: () => void;

  constructor(
    private readonly dingtalk: DingTalkSimulator,
    private readonly options: LoadOptions,
  ) {
    this.listeners = [
      ['frame', (frame: PushedFrame) => this.onFrame(frame)],
      ['ack', (ack: RecordedAck) => this.onAck(ack)],
      ['call', (call: RecordedCall) => this.onCall(call)],
      ['bot-output', (output: { via: string }) => this.onOutput(output)],
    ];
  }

  async run(): Promise<LoadFigures> {
    const stallMs = this.options.stallMs ?? 30_000;
    for (const [event, listener] of this.listeners) this.dingtalk.events.on(event, listener);
    const watchdog = setInterval(() => {
      if (this.problems.length > 0 || performance.now() - this.lastProgress > stallMs) this.finished?.();
    }, 250);
    try {
      await new Promise<void>((resolve) => {
        this.finished = () => resolve();
        for (let i = 0; i < Math.min(this.options.inFlight, this.options.messages); i += 1) this.push();
      });
    } finally {
      clearInterval(watchdog);
      for (const [event, listener] of this.listeners) this.dingtalk.events.off(event, listener);
    }
    if (this.done.length !== this.options.messages || this.problems.length > 0) throw new Error(this.failure(stallMs));
    return figures(this.done, this.firstPushAt, this.lastReplyAt);
  }

  private push(): void {
    if (this.pushed >= this.options.messages) return;
    const userId = this.options.people[this.pushed % this.options.people.length]!;
    this.pushed += 1;
    const message: Message = { pushedAt: performance.now() };
    this.firstPushAt ||= message.pushedAt;
    const { messageId } = this.dingtalk.injectMessage({ userId, text: this.options.text });
    this.byMessageId.set(messageId, message);
    this.bySession.set(this.sessionOfPush.get(messageId) ?? '', message);
    this.sessionOfPush.delete(messageId);
  }

  // The frame is written inside injectMessage, before it returns the messageId: remember its session here.
  private onFrame(frame: PushedFrame): void {
    const webhook = (frame.data as { sessionWebhook?: string } | null)?.sessionWebhook;
    if (frame.type === 'CALLBACK' && webhook) this.sessionOfPush.set(frame.messageId, new URL(webhook).searchParams.get('session') ?? '');
  }

  private onAck(ack: RecordedAck): void {
    const message = this.byMessageId.get(ack.messageId);
    if (!message || message.ackAt !== undefined) return;
    message.ackAt = performance.now();
    this.settle(message);
  }

  private onCall(call: RecordedCall): void {
    if (call.method !== 'POST' || call.path !== SESSION_PATH) return;
    const message = this.bySession.get(call.query.session ?? '');
    const errcode = (call.response as { errcode?: number } | null)?.errcode;
    if (!message) return void this.problems.push(`a reply on an unknown session ${call.query.session}`);
    if (errcode !== 0) return void this.problems.push(`a reply refused with errcode ${errcode}`);
    if (message.replyAt !== undefined) return void this.problems.push('a message answered twice');
    message.replyAt = performance.now();
    this.settle(message);
  }

  private onOutput(output: { via: string }): void {
    if (output.via !== 'sessionWebhook') this.problems.push(`a reply via ${output.via} instead of the sessionWebhook`);
  }

  private settle(message: Message): void {
    this.lastProgress = performance.now();
    if (message.ackAt === undefined || message.replyAt === undefined) return;
    this.done.push(message);
    this.lastReplyAt = Math.max(this.lastReplyAt, message.replyAt);
    if (this.done.length === this.options.messages) this.finished?.();
    else this.push();
  }

  private failure(stallMs: number): string {
    const all = [...this.byMessageId.values()];
    const acked = all.filter((m) => m.ackAt !== undefined).length;
    const answered = all.filter((m) => m.replyAt !== undefined).length;
    return (
      `only ${this.done.length} of ${this.options.messages} messages were ACKed and answered ` +
      `(pushed ${this.pushed}, ACKed ${acked}, answered ${answered})` +
      (this.problems.length ? `; ${this.problems.slice(0, 5).join('; ')}` : `; nothing happened for ${stallMs / 1000} s`)
    );
  }
}

function figures(done: Message[], firstPushAt: number, lastReplyAt: number): LoadFigures {
  const ack = done.map((m) => m.ackAt! - m.pushedAt);
  const reply = done.map((m) => m.replyAt! - m.pushedAt);
  const seconds = (lastReplyAt - firstPushAt) / 1_000;
  return {
    messages: done.length,
    seconds,
    perSecond: done.length / seconds,
    ackP50: percentile(ack, 50),
    ackP99: percentile(ack, 99),
    replyP50: percentile(reply, 50),
    replyP99: percentile(reply, 99),
  };
}
