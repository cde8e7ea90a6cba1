// The e-licence source the bot asks (with the applicant's consent): the shared-data service over HTTP
// when ELICENSE_URL is set, otherwise the sandbox sample file.
import { readFileSync } from 'node:fs';
import { cleanLicence, licencesResponseSchema, sampleFileSchema, type Licence, type LicenceLookup, type LicenceSource } from './licence.js';

export interface LicenceSourceConfig {
  /** ELICENSE_URL; unset = the sample file. */
  url?: string;
  /** ELICENSE_TOKEN, sent as a bearer token. */
  token?: string;
  /** Sample data for the sandbox (config/sandbox/elicences.json). */
  sampleFile?: string;
  timeoutMs?: number;
}

const DEFAULT_SAMPLE = new URL('../../config/sandbox/elicences.json', import.meta.url);

/** Creates the source; a bad sample file fails here, at start-up. */
export function createElicenceSource(config: LicenceSourceConfig): LicenceSource {
  if (config.url) return httpSource(config.url.replace(/\/+$/, ''), config.token ?? '', config.timeoutMs ?? 5_000);
  return sampleSource(config.sampleFile ?? DEFAULT_SAMPLE);
}

function sampleSource(file: string | URL): LicenceSource {
  const text = readFileSync(file, 'utf8');
  const parsed = sampleFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`e-licence sample file ${String(file)} is invalid: ${parsed.error.message}`);
  const all = parsed.data.licences;
  return {
    async lookup(holderId, type) {
      const licences = all
        .filter((l) => l.holderId === holderId.trim().toUpperCase() && (type === undefined || l.type === type))
        .map(({ holderId: _holder, ...licence }) => cleanLicence(licence));
      return found(licences);
    },
  };
}

function httpSource(base: string, token: string, timeoutMs: number): LicenceSource {
  return {
    async lookup(holderId, type) {
      const query = new URLSearchParams({ holderId: holderId.trim().toUpperCase(), ...(type ? { type } : {}) });
      const answer = await fetch(`${base}/licences?${query}`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      }).then(
        async (response) => ({ response, body: (await response.json().catch(() => undefined)) as unknown }),
        (error: unknown) => ({ error }),
      );
      if ('error' in answer) return unavailable(describeNetwork(answer.error));
      const { response, body } = answer;
      if (response.status === 401 || response.status === 403) return unavailable(`电子证照服务拒绝了访问凭证（HTTP ${response.status}）`);
      if (!response.ok) return unavailable(`电子证照服务暂时出错（HTTP ${response.status}）`);
      const parsed = licencesResponseSchema.safeParse(body);
      if (!parsed.success) return unavailable('电子证照服务返回的数据格式不正确');
      return found(parsed.data.licences.map(cleanLicence));
    },
  };
}

function found(licences: Licence[]): LicenceLookup {
  return licences.length > 0 ? { status: 'found', licences } : { status: 'none' };
}

function unavailable(reason: string): LicenceLookup {
  return { status: 'unavailable', reason };
}

function describeNetwork(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return '电子证照服务响应超时';
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return `电子证照服务无法连接${typeof code === 'string' ? `（${code}）` : ''}`;
}
