// The payload texts of the outbox jobs this process sealed, kept until the jobs leave the store, so that leasing a
// job just committed parses its payload instead of decrypting it again: every reply's job is sealed by the commit
// that decides it and read back by the outbox a moment later (bench:inbound, 30,000 messages: opening them again
// was 6 % of the bot's CPU).
// An entry counts only for the very sealed value it was made from (a random IV makes each one unique), so a job
// rewritten elsewhere (a retry, another instance) is opened as before. What is kept is what the process held anyway.
import { isSealed } from './data-cipher.js';
import type { OutboxJob } from './store.js';

/** Jobs remembered at most; past it the oldest go (a notice can queue thousands, a chat a few dozen). */
const MAX_ENTRIES = 2_000;

interface Entry {
  sealed: string;
  text: string;
}

/** Seals job payloads through `seal` and remembers each payload's text under the sealed value. */
export class JobTexts {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly seal: (text: string) => string) {}

  /** The job with its payload sealed; a payload already sealed (or absent) and a retried job pass unremembered. */
  sealPayload<T extends OutboxJob>(job: T): T | undefined {
    if (job.payload === undefined || isSealed(job.payload) || job.lastError !== undefined) return undefined;
    const text = JSON.stringify(job.payload);
    const sealed = this.seal(text);
    this.#entries.delete(job.id);
    this.#entries.set(job.id, { sealed, text });
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    return { ...job, payload: sealed };
  }

  /** The job with its payload opened from the remembered text, or undefined when this sealed value is not known. */
  openPayload<T extends OutboxJob>(job: T): T | undefined {
    const entry = this.#entries.get(job.id);
    if (entry === undefined || entry.sealed !== job.payload || job.lastError !== undefined) return undefined;
    return { ...job, payload: JSON.parse(entry.text) as unknown };
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.#entries.delete(id);
  }
}
