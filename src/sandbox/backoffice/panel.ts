// JSON routes for the sandbox web chat's back-office panel (a person playing the departments) and the
// e-licence pages the simulated deliveries link to. Sandbox only: no authentication, CORS open.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { describeIssues } from '../../backoffice/protocol.js';
import { parseJson, readRaw } from '../../http/body.js';
import { safeDecode, sendError, sendJson } from '../http.js';
import type { BackofficeSimulator, WebhookDelivery } from './types.js';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
};

const decisionSchema = z.object({
  applicationId: z.string().min(1),
  department: z.string().min(1).optional(),
  decision: z.enum(['accept', 'approve', 'reject', 'supplement']),
  comment: z.string().max(2000).optional(),
  missing: z.array(z.object({ name: z.string().min(1), reason: z.string() })).optional(),
});

/** GET /sim/pending, GET /sim/cases, POST /sim/decide, GET /licences/<no>. */
export async function handlePanel(sim: BackofficeSimulator, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS);
    res.end();
    return;
  }
  if (req.method === 'GET' && path === '/sim/pending') return sendJson(res, 200, { items: sim.pending() }, CORS);
  if (req.method === 'GET' && path === '/sim/cases') return sendJson(res, 200, { items: sim.cases() }, CORS);
  if (req.method === 'POST' && path === '/sim/decide') return decide(sim, req, res);
  if (req.method === 'GET' && path.startsWith('/licences/'))
    return licencePage(sim, res, safeDecode(path.slice('/licences/'.length)) ?? '');
  sendError(res, 404, 'not_found', `no route ${req.method} ${path}`, CORS);
}

async function decide(sim: BackofficeSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readRaw(req, 64 * 1024);
  const json = raw.status === 'ok' ? parseJson(raw.body.toString('utf8')) : { status: 'invalid' as const };
  const parsed = json.status === 'ok' ? decisionSchema.safeParse(json.value) : undefined;
  if (!parsed?.success) {
    return sendError(res, 400, 'invalid_body', parsed ? describeIssues(parsed.error.issues) : '请求体不是有效的 JSON', CORS);
  }
  const input = parsed.data;
  const record = sim.cases().find((c) => c.applicationId === input.applicationId);
  if (!record) return sendError(res, 404, 'unknown_application', `没有编号为 ${input.applicationId} 的办件`, CORS);
  const needsDepartment = input.decision === 'approve' || input.decision === 'reject';
  if (needsDepartment && !record.departments.some((d) => d.id === input.department)) {
    return sendError(res, 400, 'invalid_department', `请选择该办件的审批部门：${record.departments.map((d) => d.id).join('、')}`, CORS);
  }
  if (input.decision === 'supplement' && (input.missing ?? []).length === 0) {
    return sendError(res, 400, 'missing_items', '要求补正时请列出缺少的材料', CORS);
  }
  const delivery = await send(sim, input).then(
    (d) => d,
    (error: unknown) => error as Error,
  );
  if (delivery instanceof Error) return sendError(res, 502, 'webhook_failed', `状态已记录，但未能通知机器人：${delivery.message}`, CORS);
  sendJson(res, 200, { ok: true, webhook: { status: delivery.status, body: delivery.body } }, CORS);
}

function send(sim: BackofficeSimulator, input: z.infer<typeof decisionSchema>): Promise<WebhookDelivery> {
  const id = input.applicationId;
  switch (input.decision) {
    case 'accept':
      return sim.accept(id, input.comment);
    case 'approve':
      return sim.decide(id, input.department!, 'approved', input.comment);
    case 'reject':
      return sim.decide(id, input.department!, 'rejected', input.comment);
    case 'supplement':
      return sim.requireSupplement(id, input.missing ?? [], input.department);
  }
}

function licencePage(sim: BackofficeSimulator, res: ServerResponse, licenseNo: string): void {
  const record = sim.cases().find((c) => c.result?.licenseNo === licenseNo);
  if (!record) return sendError(res, 404, 'not_found', `没有编号为 ${licenseNo} 的电子证照`);
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>电子证照 ${escapeHtml(licenseNo)}</title></head>
<body><h1>电子证照（沙箱）</h1><dl>
<dt>证照编号</dt><dd>${escapeHtml(licenseNo)}</dd>
<dt>事项</dt><dd>${escapeHtml(record.matter.name)}</dd>
<dt>持证人</dt><dd>${escapeHtml(record.applicant.name)}</dd>
<dt>办件编号</dt><dd>${escapeHtml(record.applicationId)}</dd>
</dl><p>此证照由模拟后台生成，仅用于沙箱演示。</p></body></html>`;
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
