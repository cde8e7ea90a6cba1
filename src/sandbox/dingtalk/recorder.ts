// Everything the simulator saw and did, in order, plus the event stream the web chat listens to.
import { EventEmitter } from 'node:events';
import type { BotOutput, PushedFrame, RecordedAck, RecordedCall } from './types.js';

/** Keeps the call/ack/frame/bot-output logs and emits one event per entry. */
export class Recorder {
  readonly events = new EventEmitter();
  readonly calls: RecordedCall[] = [];
  readonly acks: RecordedAck[] = [];
  readonly frames: PushedFrame[] = [];
  readonly outputs: BotOutput[] = [];

  constructor(private readonly limit: number) {
    // Listeners are optional; an 'error' event must never crash the simulator.
    this.events.on('error', () => {});
  }

  call(entry: RecordedCall): void {
    this.append(this.calls, entry);
    this.events.emit('call', entry);
  }

  ack(entry: RecordedAck): void {
    this.append(this.acks, entry);
    this.events.emit('ack', entry);
  }

  frame(entry: PushedFrame): void {
    this.append(this.frames, entry);
    this.events.emit('frame', entry);
  }

  output(entry: BotOutput): void {
    this.append(this.outputs, entry);
    this.events.emit('bot-output', entry);
  }

  private append<T>(list: T[], entry: T): void {
    list.push(entry);
    if (list.length > this.limit) list.splice(0, list.length - this.limit);
  }
}
