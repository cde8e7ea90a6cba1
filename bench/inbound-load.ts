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

interface Message {
  pushedAt: number;
  ackAt?: number;
  replyAt?: number;
}

const SESSION_PATH = '/robot/sendBySession';

type Listener = Parameters<DingTalkSimulator['events']['on']>[1];

/** Pushes the messages and resolves with the figures once every one is ACKed and answered; rejects otherwise. */
export function pushMessages(dingtalk: DingTalkSimulator, options: LoadOptions): Promise<LoadFigures> {
  const { messages, people, inFlight, text } = options;
  const byMessageId = new Map<string, Message>();
  const bySession = new Map<string, Message>();
  const done: Message[] = [];
  let pushed = 0;
  let lastProgress = performance.now();
  let firstPushAt = 0;
  let lastReplyAt = 0;
  const problems: string[] = [];

  return new Promise<LoadFigures>((resolve, reject) => {
    const push = () => {
      if (pushed >= messages) return;
      const userId = people[pushed % people.length]!;
      pushed += 1;
      const message: Message = { pushedAt: performance.now() };
      firstPushAt ||= message.pushedAt;
      const { messageId } = dingtalk.injectMessage({ userId, text });
      byMessageId.set(messageId, message);
      bySession.set(sessionOfPush.get(messageId) ?? '', message);
      sessionOfPush.delete(messageId);
    };
    // The frame is written inside injectMessage, before it returns: remember its session here.
    const sessionOfPush = new Map<string, string>();
    const onFrame = (frame: PushedFrame) => {
      const webhook = (frame.data as { sessionWebhook?: string } | null)?.sessionWebhook;
      if (frame.type === 'CALLBACK' && webhook) sessionOfPush.set(frame.messageId, new URL(webhook).searchParams.get('session') ?? '');
    };
    const onAck = (ack: RecordedAck) => {
      const message = byMessageId.get(ack.messageId);
      if (!message || message.ackAt !== undefined) return;
      message.ackAt = performance.now();
      settle(message);
    };
    const onCall = (call: RecordedCall) => {
      if (call.method !== 'POST' || call.path !== SESSION_PATH) return;
      const message = bySession.get(call.query.session ?? '');
      const errcode = (call.response as { errcode?: number } | null)?.errcode;
      if (!message) return void problems.push(`a reply on an unknown session ${call.query.session}`);
      if (errcode !== 0) return void problems.push(`a reply refused with errcode ${errcode}`);
      if (message.replyAt !== undefined) return void problems.push('a message answered twice');
      message.replyAt = performance.now();
      settle(message);
    };
    const onOutput = (output: { via: string }) => {
      if (output.via !== 'sessionWebhook') problems.push(`a reply via ${output.via} instead of the sessionWebhook`);
    };
    const settle = (message: Message) => {
      lastProgress = performance.now();
      if (message.ackAt === undefined || message.replyAt === undefined) return;
      done.push(message);
      lastReplyAt = Math.max(lastReplyAt, message.replyAt);
      if (done.length === messages) finish();
      else push();
    };
    const stallMs = options.stallMs ?? 30_000;
    const watchdog = setInterval(() => {
      if (problems.length > 0) return finish();
      if (performance.now() - lastProgress > stallMs) finish();
    }, 250);
    const listeners: Array<[string, Listener]> = [['frame', onFrame], ['ack', onAck], ['call', onCall], ['bot-output', onOutput]];
    const finish = () => {
      clearInterval(watchdog);
      for (const [event, listener] of listeners) dingtalk.events.off(event, listener);
      if (done.length === messages && problems.length === 0) return resolve(figures(done, firstPushAt, lastReplyAt));
      const acked = [...byMessageId.values()].filter((m) => m.ackAt !== undefined).length;
      const answered = [...byMessageId.values()].filter((m) => m.replyAt !== undefined).length;
      reject(new Error(
        `only ${done.length} of ${messages} messages were ACKed and answered (pushed ${pushed}, ACKed ${acked}, answered ${answered})` +
          (problems.length ? `; ${problems.slice(0, 5).join('; ')}` : `; nothing happened for ${stallMs / 1000} s`),
      ));
    };
    for (const [event, listener] of listeners) dingtalk.events.on(event, listener);
    for (let i = 0; i < Math.min(inFlight, messages); i += 1) push();
  });
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
