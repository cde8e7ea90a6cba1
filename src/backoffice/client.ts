// Outbound calls to the back office: signed JSON POSTs with an Idempotency-Key. The outbox retries the
// retryable failures with the same key, so the back office sees each operation once (409 = already has it,
// unless the 409 names another submission under the same number: then it is a permanent conflict).
import { systemClock, type Clock } from '../clock.js';
import { ExternalError } from '../errors.js';
import { compareDuplicate, submissionIdentity, type SubmissionIdentity } from './identity.js';
import { signedHeaders } from './signature.js';
import { submitKey, supplementKey, withdrawKey, type SubmissionBody, type SupplementBody, type WithdrawBody } from './protocol.js';

export interface BackofficeClientOptions {
  /** BACKOFFICE_URL, without a trailing slash. */
  url: string;
  /** BACKOFFICE_SECRET. */
  secret: string;
  /** The time requests are signed with; defaults to real time. */
  clock?: Pick<Clock, 'now'>;
  timeoutMs?: number;
}

/** An accepted call: 2xx, or 409 (`duplicate`: the back office already had this key). */
export interface BackofficeReply {
  status: number;
  duplicate: boolean;
  body: unknown;
}

export interface BackofficeClient {
  submit(body: SubmissionBody, key?: string): Promise<BackofficeReply>;
  withdraw(applicationId: string, body: WithdrawBody, key?: string): Promise<BackofficeReply>;
  supplement(applicationId: string, body: SupplementBody, key?: string): Promise<BackofficeReply>;
}

// 408 and 429 are 4xx but say "try again later", so they are retried like a 5xx.
const RETRYABLE_4XX = new Set([408, 429]);

/** Creates the client; every failure is an ExternalError('backoffice') whose `retryable` drives the outbox. */
export function createBackofficeClient(options: BackofficeClientOptions): BackofficeClient {
  const base = options.url.replace(/\/+$/, '');
  const time = options.clock ?? systemClock;
  const clock = () => time.now();
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function post(path: string, key: string, body: unknown, ours?: SubmissionIdentity): Promise<BackofficeReply> {
    const raw = JSON.stringify(body);
    let response: Response;
    try {
      response = await fetch(base + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, ...signedHeaders(options.secret, clock(), raw) },
        body: raw,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ExternalError('backoffice', `后台服务暂时无法连接（${networkReason(error)}）`, { retryable: true, cause: error });
    }
    const reply = await readBody(response);
    if (response.status === 409 && ours && compareDuplicate(ours, reply) === 'different') throw conflict(ours, reply);
    if (response.ok || response.status === 409) return { status: response.status, duplicate: response.status === 409, body: reply };
    const { code, message } = describeRejection(response.status, reply);
    const retryable = response.status >= 500 || RETRYABLE_4XX.has(response.status);
    throw new ExternalError('backoffice', message, { status: response.status, code, retryable });
  }

  return {
    submit: (body, key = submitKey(body.applicationId)) => post('/applications', key, body, submissionIdentity(body)),
    withdraw: (applicationId, body, key = withdrawKey(applicationId)) =>
      post(`/applications/${encodeURIComponent(applicationId)}/withdraw`, key, body),
    supplement: (applicationId, body, key = supplementKey(applicationId, body.round)) =>
      post(`/applications/${encodeURIComponent(applicationId)}/supplements`, key, body),
  };
}

/** The code of a 409 that names another submission under our number (a dead job, never a retry). */
export const APPLICATION_ID_CONFLICT = 'application_id_conflict';

function conflict(ours: SubmissionIdentity, reply: unknown): ExternalError {
  const held = JSON.stringify((reply as { existing?: unknown }).existing).slice(0, 300);
  return new ExternalError('backoffice', `审批系统中已有编号为 ${ours.applicationId} 的另一份办件（编号冲突）`, {
    status: 409,
    code: APPLICATION_ID_CONFLICT,
    retryable: false,
    cause: new Error(`409 names another submission: ours ${JSON.stringify(ours)}, theirs ${held}`),
  });
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The back office's own reason when it gave one (`{error:{code,message}}`, `{message}` or short text). */
function describeRejection(status: number, body: unknown): { code?: string; message: string } {
  const record = isRecord(body) ? body : {};
  const error = isRecord(record.error) ? record.error : record;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const given = typeof error.message === 'string' ? error.message : typeof body === 'string' && body.length <= 500 ? body : '';
  if (given.trim() !== '') return { code, message: given.trim() };
  if (status >= 500) return { code, message: `后台服务暂时出错（HTTP ${status}）` };
  return { code, message: `后台不接受该请求（HTTP ${status}）` };
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return '请求超时';
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
