// Business pushes and their ACKs (§1.4–1.5): tracking by messageId, re-push of unacked frames, offline queue.
import type { Timer } from '../../clock.js';
import type { AckFrame, FrameType } from './frames.js';
import { newMessageId } from './ids.js';
import type { SimConfig } from './sim-config.js';

/** One logical push; redeliveries add messageIds but keep `data` (so `data.msgId` stays the same). */
export interface Delivery {
  type: Exclude<FrameType, 'SYSTEM'>;
  topic: string;
  data: unknown;
  extraHeaders?: Record<string, string>;
  /** Re-push when unacked (robot messages, events); card clicks are answered or time out instead. */
  redeliver: boolean;
  /** Queue while no connection takes it (false: a card click with nobody listening just times out). */
  queueWhenOffline: boolean;
  messageIds: string[];
  redeliveries: number;
  settled: boolean;
  timer?: Timer;
  waiters: Array<(ack: AckFrame | undefined) => void>;
}

/** Writes a frame for this delivery to one eligible connection; false when none is available. */
export type FrameSender = (delivery: Delivery, messageId: string) => boolean;

/** Tracks every business push until it is acknowledged. */
export class Deliveries {
  private readonly byMessageId = new Map<string, Delivery>();
  private queue: Delivery[] = [];
  private readonly timers = new Set<Timer>();

  constructor(
    private readonly config: SimConfig,
    private readonly send: FrameSender,
  ) {}

  /** Starts a push; returns the first messageId. */
  start(input: Pick<Delivery, 'type' | 'topic' | 'data' | 'extraHeaders' | 'redeliver' | 'queueWhenOffline'>): Delivery {
    const delivery: Delivery = { ...input, messageIds: [], redeliveries: 0, settled: false, waiters: [] };
    this.attempt(delivery, this.mint(delivery));
    return delivery;
  }

  find(messageId: string): Delivery | undefined {
    return this.byMessageId.get(messageId);
  }

  /** Pushes the delivery again right now (test hook), with its last or a new messageId. */
  repush(delivery: Delivery, sameMessageId: boolean): string {
    const messageId = sameMessageId ? (delivery.messageIds.at(-1) as string) : this.mint(delivery);
    this.attempt(delivery, messageId);
    return messageId;
  }

  /** Applies an ACK; EVENT `{"status":"LATER"}` keeps the delivery pending so it is re-pushed. */
  acknowledge(ack: AckFrame): Delivery | undefined {
    const delivery = this.byMessageId.get(ack.messageId);
    if (!delivery || delivery.settled) return delivery;
    const later = delivery.type === 'EVENT' && (ack.data as { status?: unknown } | null)?.status === 'LATER';
    if (later) {
      this.schedule(delivery);
      return delivery;
    }
    delivery.settled = true;
    this.clear(delivery);
    for (const waiter of delivery.waiters.splice(0)) waiter(ack);
    return delivery;
  }

  /** Waits for the ACK of this delivery up to `timeoutMs`; undefined on timeout. */
  waitForAck(delivery: Delivery, timeoutMs: number): Promise<AckFrame | undefined> {
    return new Promise((resolve) => {
      const timer = this.config.clock.setTimeout(() => {
        this.timers.delete(timer);
        delivery.waiters = delivery.waiters.filter((w) => w !== done);
        resolve(undefined);
      }, timeoutMs);
      const done = (ack: AckFrame | undefined) => {
        timer.cancel();
        this.timers.delete(timer);
        resolve(ack);
      };
      this.timers.add(timer);
      delivery.waiters.push(done);
    });
  }

  /** A connection became available: push what waited for one. */
  flush(): void {
    const waiting = this.queue;
    this.queue = [];
    for (const delivery of waiting) this.attempt(delivery, delivery.messageIds.at(-1) as string);
  }

  close(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    for (const delivery of this.byMessageId.values()) {
      this.clear(delivery);
      for (const waiter of delivery.waiters.splice(0)) waiter(undefined);
    }
    this.queue = [];
  }

  private mint(delivery: Delivery): string {
    const messageId = newMessageId(this.config.now());
    delivery.messageIds.push(messageId);
    this.byMessageId.set(messageId, delivery);
    this.prune();
    return messageId;
  }

  /** Forgets the oldest settled pushes so a long sandbox run keeps bounded memory. */
  private prune(): void {
    if (this.byMessageId.size <= this.config.recordLimit) return;
    for (const [messageId, delivery] of this.byMessageId) {
      if (this.byMessageId.size <= this.config.recordLimit * 0.9) break;
      if (delivery.settled) this.byMessageId.delete(messageId);
    }
  }

  private attempt(delivery: Delivery, messageId: string): void {
    if (!this.send(delivery, messageId)) {
      if (delivery.queueWhenOffline && !this.queue.includes(delivery)) this.queue.push(delivery);
      return;
    }
    if (!delivery.settled) this.schedule(delivery);
  }

  private schedule(delivery: Delivery): void {
    this.clear(delivery);
    const { redeliverAfterMs, maxRedeliveries } = this.config;
    if (!delivery.redeliver || redeliverAfterMs <= 0 || delivery.redeliveries >= maxRedeliveries) return;
    const timer = this.config.clock.setTimeout(() => {
      this.timers.delete(timer);
      delivery.timer = undefined;
      if (delivery.settled) return;
      delivery.redeliveries += 1;
      this.config.log(`redelivering ${delivery.topic} (attempt ${delivery.redeliveries + 1})`);
      this.attempt(delivery, this.mint(delivery));
    }, redeliverAfterMs);
    this.timers.add(timer);
    delivery.timer = timer;
  }

  private clear(delivery: Delivery): void {
    if (!delivery.timer) return;
    delivery.timer.cancel();
    this.timers.delete(delivery.timer);
    delivery.timer = undefined;
  }
}
