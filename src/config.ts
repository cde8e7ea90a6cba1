// Environment → typed settings (DESIGN.md "Environment contract"), validated with zod.
// Start-up fails fast with one message naming every bad variable and how to fix it.
import { z } from 'zod';
import { dataKeyProblem, type DataKeys } from './store/data-cipher.js';

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

const url = (fix: string) =>
  optionalText.refine((value) => value === undefined || /^https?:\/\/[^\s]+$/.test(value), {
    message: `must be an http(s) URL; ${fix}`,
  });

const schema = z.object({
  DINGTALK_CLIENT_ID: optionalText,
  DINGTALK_CLIENT_SECRET: optionalText,
  DINGTALK_ROBOT_CODE: optionalText,
  DINGTALK_API_BASE: url('e.g. https://api.dingtalk.com').transform((v) => stripSlash(v ?? 'https://api.dingtalk.com')),
  DINGTALK_OAPI_BASE: url('e.g. https://oapi.dingtalk.com').transform((v) => stripSlash(v ?? 'https://oapi.dingtalk.com')),
  DINGTALK_CARD_TEMPLATE_ID: optionalText,
  DINGTALK_AGENT_ID: optionalText,
  DINGTALK_QPS: optionalText
    .transform((v) => Number(v ?? '20'))
    .refine((n) => Number.isFinite(n) && n > 0 && n <= 1000, { message: 'must be a number of calls per second, 1–1000' }),
  BACKOFFICE_URL: url('e.g. https://backoffice.example.gov.cn/api').transform((v) => (v ? stripSlash(v) : undefined)),
  BACKOFFICE_SECRET: optionalText,
  ELICENSE_URL: url('e.g. https://elicence.example.gov.cn').transform((v) => (v ? stripSlash(v) : undefined)),
  ELICENSE_TOKEN: optionalText,
  DATA_DIR: optionalText.transform((v) => v ?? './data'),
  DATA_KEY: optionalText,
  DATA_KEY_PREVIOUS: optionalText,
  DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: 'must be a postgres:// connection string',
  }),
  REDIS_URL: optionalText.refine((v) => v === undefined || /^rediss?:\/\//.test(v), {
    message: 'must be a redis:// URL, e.g. redis://127.0.0.1:6379',
  }),
  HOST: optionalText.transform((v) => v ?? '127.0.0.1'),
  PORT: optionalText
    .transform((v) => Number(v ?? '3000'))
    .refine((n) => Number.isInteger(n) && n >= 0 && n < 65536, { message: 'must be a TCP port, 0–65535' }),
  ADMIN_TOKEN: optionalText,
  APPLICATION_ID_PREFIX: optionalText
    .transform((v) => v ?? 'YC')
    .refine((v) => /^[A-Z][A-Z0-9]{0,7}$/.test(v), {
      message: 'must be 1–8 upper-case letters or digits starting with a letter, e.g. YC or HZ2',
    }),
  ADMIN_USER_IDS: list,
  BROADCASTER_USER_IDS: list,
  SANDBOX_REVIEW_DELAY_MS: optionalText
    .transform((v) => Number(v ?? '3000'))
    .refine((n) => Number.isInteger(n) && n >= 0, { message: 'must be milliseconds ≥ 0 (0 = departments decide only on command)' }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
});

// 127.0.0.0/8, ::1 and localhost: the only addresses only this machine can reach.
const LOOPBACK = /^(?:127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|::1|\[::1\]|localhost)$/i;

/** True for a listen address that only this machine can reach. */
export function isLoopbackAddress(host: string): boolean {
  return LOOPBACK.test(host);
}

// The sandbox has an unauthenticated web chat and its own simulated back office: it stays on this machine.
function sandboxProblems(host: string, backofficeUrl: string | undefined): string[] {
  const problems: string[] = [];
  if (!isLoopbackAddress(host)) {
    problems.push(
      `HOST: the sandbox (no DINGTALK_CLIENT_ID) listens only on loopback (127.0.0.1, ::1 or localhost), got "${host}"; its web chat has no login. Unset HOST, or set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET for a real deployment`,
    );
  }
  if (backofficeUrl) {
    problems.push(
      'BACKOFFICE_URL: the sandbox (DINGTALK_CLIENT_ID unset) never talks to a real back office; unset BACKOFFICE_URL to use the embedded simulator, or set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET for a real deployment',
    );
  }
  return problems;
}

function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

export interface Config {
  /** No DingTalk credentials: run the embedded simulators (sandbox mode). */
  sandbox: boolean;
  dingtalk: {
    clientId?: string;
    clientSecret?: string;
    robotCode?: string;
    apiBase: string;
    oapiBase: string;
    cardTemplateId?: string;
    /** The app's agent id for work notifications (工作通知); unset = robot messages only. */
    agentId?: string;
    qps: number;
  };
  backoffice: { url?: string; secret?: string };
  elicence: { url?: string; token?: string };
  dataDir: string;
  /** Keys that encrypt personal data at rest; unset only in the sandbox, which keeps its own in DATA_DIR. */
  dataKeys?: DataKeys;
  databaseUrl?: string;
  /** Redis shared by the instances for one cluster-wide DingTalk rate limit (REDIS_URL). */
  redisUrl?: string;
  http: { host: string; port: number };
  adminToken?: string;
  /** Prefix of application numbers (YC20261128-0001), unique per deployment sharing a back office. */
  applicationIdPrefix: string;
  adminUserIds: string[];
  broadcasterUserIds: string[];
  logLevel: string;
  /** Sandbox only: how long the simulated departments take to decide; 0 = only on command from the web chat. */
  sandboxReviewDelayMs: number;
}

/** Raised for a bad environment; the message lists every problem with its fix. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment. Throws ConfigError listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  const problems: string[] = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (!parsed.success) throw new ConfigError(problems);
  const e = parsed.data;

  if (e.DINGTALK_CLIENT_ID && !e.DINGTALK_CLIENT_SECRET) {
    problems.push(
      'DINGTALK_CLIENT_SECRET: required with DINGTALK_CLIENT_ID; copy it from the app page of the DingTalk developer console, or unset DINGTALK_CLIENT_ID to run the sandbox',
    );
  }
  if (!e.DINGTALK_CLIENT_ID && e.DINGTALK_CLIENT_SECRET) {
    problems.push(
      'DINGTALK_CLIENT_ID: required with DINGTALK_CLIENT_SECRET; set the app key (Client ID), or unset both to run the sandbox',
    );
  }
  const sandbox = !e.DINGTALK_CLIENT_ID;
  if (sandbox) problems.push(...sandboxProblems(e.HOST, e.BACKOFFICE_URL));
  if (!sandbox && e.BACKOFFICE_URL === undefined) {
    problems.push('BACKOFFICE_URL: required outside the sandbox; set the back-office API base URL');
  }
  if (e.BACKOFFICE_URL && !e.BACKOFFICE_SECRET) {
    problems.push('BACKOFFICE_SECRET: required with BACKOFFICE_URL; set the HMAC secret shared with the back office');
  }
  if (e.ELICENSE_URL && !e.ELICENSE_TOKEN) {
    problems.push('ELICENSE_TOKEN: required with ELICENSE_URL; set the bearer token of the e-licence service');
  }
  problems.push(...dataKeyProblems(e.DATA_KEY, e.DATA_KEY_PREVIOUS, sandbox));
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    sandbox,
    dingtalk: {
      clientId: e.DINGTALK_CLIENT_ID,
      clientSecret: e.DINGTALK_CLIENT_SECRET,
      robotCode: e.DINGTALK_ROBOT_CODE ?? e.DINGTALK_CLIENT_ID,
      apiBase: e.DINGTALK_API_BASE,
      oapiBase: e.DINGTALK_OAPI_BASE,
      cardTemplateId: e.DINGTALK_CARD_TEMPLATE_ID,
      agentId: e.DINGTALK_AGENT_ID,
      qps: e.DINGTALK_QPS,
    },
    backoffice: { url: e.BACKOFFICE_URL, secret: e.BACKOFFICE_SECRET },
    elicence: { url: e.ELICENSE_URL, token: e.ELICENSE_TOKEN },
    dataDir: e.DATA_DIR,
    dataKeys: e.DATA_KEY ? { current: e.DATA_KEY, previous: e.DATA_KEY_PREVIOUS } : undefined,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    http: { host: e.HOST, port: e.PORT },
    adminToken: e.ADMIN_TOKEN,
    applicationIdPrefix: e.APPLICATION_ID_PREFIX,
    adminUserIds: e.ADMIN_USER_IDS,
    broadcasterUserIds: e.BROADCASTER_USER_IDS,
    logLevel: e.LOG_LEVEL,
    sandboxReviewDelayMs: e.SANDBOX_REVIEW_DELAY_MS,
  };
}

// DATA_KEY encrypts 身份证, phone and bank-card numbers at rest: required in production, where losing it or
// starting without it must never silently write personal data in plain text.
function dataKeyProblems(key: string | undefined, previous: string | undefined, sandbox: boolean): string[] {
  const problems: string[] = [];
  if (key === undefined && !sandbox) {
    problems.push('DATA_KEY: required outside the sandbox (it encrypts personal data at rest); make one with: openssl rand -base64 32');
  }
  if (key !== undefined) {
    const problem = dataKeyProblem(key);
    if (problem) problems.push(`DATA_KEY: ${problem}`);
  }
  if (previous !== undefined) {
    const problem = key === undefined ? 'only valid with DATA_KEY (the new key); set DATA_KEY too' : dataKeyProblem(previous);
    if (problem) problems.push(`DATA_KEY_PREVIOUS: ${problem}`);
  }
  return problems;
}
