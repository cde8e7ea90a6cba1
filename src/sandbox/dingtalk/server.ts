// The simulator's HTTP pipeline: parse → injected fault → route → auth → QPS limit → handler → record.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Faults } from './faults.js';
import type { FileStore } from './files.js';
import { apiError, isNewApi, oapiError, type Route, type SimRequest, type SimResponse } from './http.js';
import type { SlidingWindowLimiter } from './limiter.js';
import type { Recorder } from './recorder.js';
import type { SimConfig } from './sim-config.js';
import { readRaw } from '../../http/body.js';
import { flatHeaders } from '../http.js';
import { checkHeaderAuth, checkQueryAuth, type TokenBook } from './tokens.js';

export interface ServerDeps {
  config: SimConfig;
  recorder: Recorder;
  faults: Faults;
  limiter: SlidingWindowLimiter;
  tokens: TokenBook;
  files: FileStore;
  routes: Record<string, Route>;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;
const FILES_PREFIX = '/sim/files/';

/** An HTTP server answering both api.dingtalk.com and oapi.dingtalk.com paths; never throws to Node. */
export function createSimHttpServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      deps.config.log(`simulator http failure: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers = flatHeaders(req.headers);
  const read = await readRaw(req, MAX_BODY_BYTES);
  const raw = read.status === 'ok' ? read.body : undefined;
  const simReq: SimRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: '',
    badJson: false,
  };
  if (raw === undefined) return send(deps, res, simReq, apiError(413, 'requestTooLarge', '请求体过大'));
  const text = raw.toString('utf8');
  simReq.body = text;
  if ((headers['content-type'] ?? '').includes('json') && text.trim() !== '') {
    try {
      simReq.body = JSON.parse(text);
    } catch {
      simReq.badJson = true;
    }
  }
  let response: SimResponse;
  try {
    response = await dispatch(deps, simReq);
  } catch (error) {
    deps.config.log(`simulator handler failed on ${simReq.method} ${simReq.path}: ${String(error)}`);
    response = isNewApi(simReq.path) ? apiError(500, 'unknownError', '服务器内部错误') : oapiError(-1, '系统繁忙');
  }
  send(deps, res, simReq, response);
}

async function dispatch(deps: ServerDeps, req: SimRequest): Promise<SimResponse> {
  const fault = deps.faults.take(req.path);
  if (fault) return fault;
  if (req.method === 'GET' && req.path.startsWith(FILES_PREFIX)) return serveFile(deps.files, req.path.slice(FILES_PREFIX.length));
  const route = deps.routes[`${req.method} ${req.path}`];
  const newApi = isNewApi(req.path);
  if (!route) {
    return newApi
      ? apiError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.')
      : oapiError(22, 'Invalid method');
  }
  if (req.badJson)
    return newApi ? apiError(400, 'invalidParameter', '请求体不是合法的 JSON') : oapiError(40035, '不合法的参数：请求体不是合法的 JSON');
  const denied =
    route.auth === 'header' ? checkHeaderAuth(deps.tokens, req) : route.auth === 'query' ? checkQueryAuth(deps.tokens, req) : undefined;
  if (denied) return denied;
  if ((newApi || req.path.startsWith('/topapi/')) && !deps.limiter.allow(req.path)) {
    return newApi
      ? apiError(403, 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', '调用该接口触发了应用级限流，请稍后重试')
      : oapiError(90018, '当前应用调用该接口的QPS已达上限，请稍后重试');
  }
  return route.handle(req);
}

function serveFile(files: FileStore, code: string): SimResponse {
  const file = files.get(decodeURIComponent(code));
  if (!file) return { status: 404, body: 'not found', raw: 'not found', contentType: 'text/plain' };
  return { status: 200, body: `<${file.bytes.length} bytes: ${file.fileName}>`, raw: file.bytes, contentType: 'application/octet-stream' };
}

function send(deps: ServerDeps, res: ServerResponse, req: SimRequest, response: SimResponse): void {
  const payload = response.raw ?? JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': response.contentType ?? 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
  deps.recorder.call({
    at: deps.config.now(),
    method: req.method,
    path: req.path,
    query: req.query,
    headers: req.headers,
    body: req.body,
    status: response.status,
    response: response.body,
  });
}
