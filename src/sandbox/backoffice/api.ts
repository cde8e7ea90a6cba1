// The simulated back office's inbound API, exactly as the protocol describes it: signed POSTs of
// submissions, withdrawals and supplements, deduplicated by Idempotency-Key.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { z } from 'zod';
import {
  describeIssues,
  submissionBodySchema,
  supplementBodySchema,
  withdrawBodySchema,
  type SubmissionBody,
  type SupplementBody,
  type WithdrawBody,
} from '../../backoffice/protocol.js';
import { submissionIdentity } from '../../backoffice/identity.js';
import { verify } from '../../backoffice/signature.js';
import type { CaseBook, SimCase } from './case-book.js';
import { parseJson } from '../../http/body.js';
import { flatHeaders, safeDecode, sendError, sendJson } from '../http.js';

/** A request the simulator received, whatever its answer. */
export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  at: number;
}

/** A received body with when and how it came. */
export interface Received<T> {
  body: T;
  receivedAt: number;
  headers: Record<string, string>;
}

/** What the API handler reads and writes; owned by the simulator. */
export interface ApiState {
  secret: string;
  clock: () => number;
  book: CaseBook;
  submissions: Map<string, Received<SubmissionBody>>;
  withdrawals: Map<string, Received<WithdrawBody>>;
  supplements: (Received<SupplementBody> & { applicationId: string })[];
  /** Idempotency keys already processed. */
  keys: Set<string>;
  events: EventEmitter;
  /** Set by failNext(): the next `count` API calls answer `status`. */
  failures: { count: number; status: number };
}

type Operation = 'submit' | 'withdraw' | 'supplement';

const ROUTES: [RegExp, Operation][] = [
  [/^\/applications$/, 'submit'],
  [/^\/applications\/([^/]+)\/withdraw$/, 'withdraw'],
  [/^\/applications\/([^/]+)\/supplements$/, 'supplement'],
];

/** Answers one API call (`raw` is the whole body, already read); returns the status it sent. */
export function handleApi(state: ApiState, req: IncomingMessage, res: ServerResponse, path: string, raw: Buffer): number {
  const route = ROUTES.map(([pattern, op]) => ({ match: pattern.exec(path), op })).find((r) => r.match);
  if (!route?.match) return fail(res, 404, 'not_found', `no route ${req.method} ${path}`);
  if (req.method !== 'POST') return fail(res, 405, 'method_not_allowed', 'use POST', { Allow: 'POST' });
  if (state.failures.count > 0) {
    state.failures.count -= 1;
    return fail(res, state.failures.status, 'injected_failure', '模拟的后台故障，请稍后重试');
  }
  const check = verify(state.secret, req.headers, raw, state.clock());
  if (check.status === 'invalid') return fail(res, 401, check.reason, `signature check failed: ${check.reason}`);
  const json = parseJson(raw.toString('utf8'));
  if (json.status === 'invalid') return fail(res, 400, 'invalid_json', 'body is not valid JSON');
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || key.trim() === '') return fail(res, 400, 'missing_idempotency_key', 'Idempotency-Key header is required');

  const pathId = route.match[1] === undefined ? undefined : safeDecode(route.match[1]);
  const received = { receivedAt: state.clock(), headers: flatHeaders(req.headers) };
  switch (route.op) {
    case 'submit': {
      const body = validate(res, submissionBodySchema, json.value);
      if (!body) return 400;
      const held = state.submissions.get(body.applicationId);
      if (held) return duplicateSubmission(res, held.body);
      if (state.keys.has(key)) return fail(res, 409, 'duplicate', '已收到该申请，无需重复提交');
      state.keys.add(key);
      state.submissions.set(body.applicationId, { body, ...received });
      state.book.open(body, received.receivedAt);
      state.events.emit('submission', { body, ...received });
      return ok(res, 201, { applicationId: body.applicationId, receivedAt: new Date(received.receivedAt).toISOString() });
    }
    case 'withdraw': {
      const found = existing(state, res, withdrawBodySchema, json.value, pathId);
      if (found.status !== 'ok') return found.status;
      const { body, c } = found;
      if (state.keys.has(key) || c.status === 'withdrawn') return fail(res, 409, 'duplicate', '已收到该撤回申请');
      if (['approved', 'delivered', 'rejected', 'not_accepted'].includes(c.status)) {
        return fail(res, 422, 'cannot_withdraw', '办件已作出决定，不能撤回');
      }
      state.keys.add(key);
      state.withdrawals.set(body.applicationId, { body, ...received });
      state.book.withdrawn(body.applicationId, received.receivedAt);
      state.events.emit('withdrawal', { body, ...received });
      return ok(res, 200, { ok: true });
    }
    case 'supplement': {
      const found = existing(state, res, supplementBodySchema, json.value, pathId);
      if (found.status !== 'ok') return found.status;
      const { body, c } = found;
      if (state.keys.has(key)) return fail(res, 409, 'duplicate', '已收到该补正材料');
      // Outside a 补正 the only welcome supplement is a 容缺 hand-in: a material promised at submission, now supplied.
      const handIn = c.status !== 'supplement_required' && handsInPromise(state.submissions.get(body.applicationId)?.body, body);
      if (c.status !== 'supplement_required' && !handIn) return fail(res, 422, 'supplement_not_required', '该办件当前不需要补正材料');
      state.keys.add(key);
      state.supplements.push({ applicationId: body.applicationId, body, ...received });
      if (!handIn) state.book.supplemented(body.applicationId, received.receivedAt);
      state.events.emit('supplement', { applicationId: body.applicationId, body, ...received });
      return ok(res, 200, { ok: true });
    }
  }
}

/** A valid body about a case this back office has, or the status it answered instead. */
function existing<S extends z.ZodType<{ applicationId: string }>>(
  state: ApiState,
  res: ServerResponse,
  schema: S,
  value: unknown,
  pathId: string | undefined,
): { status: 'ok'; body: z.infer<S>; c: SimCase } | { status: number } {
  const body = validate(res, schema, value);
  if (!body) return { status: 400 };
  if (body.applicationId !== pathId) return { status: fail(res, 400, 'invalid_body', 'applicationId differs from the path') };
  const c = state.book.get(body.applicationId);
  if (!c) return { status: fail(res, 404, 'unknown_application', `没有编号为 ${body.applicationId} 的办件`) };
  return { status: 'ok', body, c };
}

function validate<S extends z.ZodType>(res: ServerResponse, schema: S, value: unknown): z.infer<S> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  sendError(res, 400, 'invalid_body', describeIssues(parsed.error.issues));
  return undefined;
}

// The 409 says which submission this number already belongs to, so the caller can tell its own retry from a collision.
function duplicateSubmission(res: ServerResponse, held: SubmissionBody): number {
  sendJson(res, 409, { error: { code: 'duplicate', message: '已收到该申请，无需重复提交' }, existing: submissionIdentity(held) });
  return 409;
}

function ok(res: ServerResponse, status: number, body: unknown): number {
  sendJson(res, status, body);
  return status;
}

function fail(res: ServerResponse, status: number, code: string, message: string, headers?: Record<string, string>): number {
  sendError(res, status, code, message, headers);
  return status;
}

function handsInPromise(submission: SubmissionBody | undefined, supplement: SupplementBody): boolean {
  const promised = new Set(submission?.materials.filter((m) => m.source === 'promised').map((m) => m.id) ?? []);
  return supplement.materials.some((m) => promised.has(m.id) && m.source !== 'promised');
}
