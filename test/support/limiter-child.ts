// One "instance" for the shared rate-limit test: an OpenAPI client with DINGTALK_QPS (and REDIS_URL when set)
// that makes CALLS calls against the DingTalk simulator as fast as its limiter lets it, once told to go.
import { once } from 'node:events';
import { pino } from 'pino';
import { createOpenApiClient } from '../../src/dingtalk/openapi.js';

const env = process.env;
const client = createOpenApiClient({
  apiBase: env.DINGTALK_API_BASE!,
  oapiBase: env.DINGTALK_API_BASE!,
  clientId: env.DINGTALK_CLIENT_ID!,
  clientSecret: env.DINGTALK_CLIENT_SECRET!,
  robotCode: env.DINGTALK_CLIENT_ID!,
  qps: Number(env.DINGTALK_QPS),
  redisUrl: env.REDIS_URL,
  logger: pino({ level: 'silent' }),
  // No retry: a call refused with QpsLimit counts as refused, not hidden by a second try.
  retry: { attempts: 1 },
});
await client.ready();
process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.destroy(); // nothing more to read: the open pipe would keep the process alive
const results = await Promise.allSettled(Array.from({ length: Number(env.CALLS) }, () => client.listSubDepartmentIds(1)));
await client.close();
process.stdout.write(`${JSON.stringify({ failed: results.filter((r) => r.status === 'rejected').length })}\n`);
