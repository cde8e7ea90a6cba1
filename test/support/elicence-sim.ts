// A tiny e-licence (shared data) service on loopback, speaking the protocol of DESIGN.md, for tests of
// the HTTP path: bearer token check, lookup by holder and type (a 营业执照 carries its legalRepresentative
// as the data has it), injected failures and latency.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Licence } from '../../src/elicence/licence.js';
import { sendError, sendJson } from '../../src/sandbox/http.js';

export interface ElicenceSimulatorOptions {
  token: string;
  /** The same shape as config/sandbox/elicences.json. */
  data: { licences: (Licence & { holderId: string })[] };
  port?: number;
}

export interface ElicenceSimulator {
  url: string;
  /** Every request: path with query, and whether it carried the right token. */
  calls: { path: string; authorised: boolean }[];
  /** The next `count` requests answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

/** Starts the simulator on 127.0.0.1. */
export async function startElicenceSimulator(options: ElicenceSimulatorOptions): Promise<ElicenceSimulator> {
  const calls: ElicenceSimulator['calls'] = [];
  const failures = { count: 0, status: 503 };
  const timers = new Set<NodeJS.Timeout>();
  let latencyMs = 0;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const authorised = req.headers.authorization === `Bearer ${options.token}`;
    calls.push({ path: url.pathname + url.search, authorised });
    const answer = () => {
      if (failures.count > 0) {
        failures.count -= 1;
        return sendError(res, failures.status, 'injected_failure', '模拟的电子证照服务故障');
      }
      if (req.method !== 'GET' || url.pathname !== '/licences') return sendError(res, 404, 'not_found', 'no such route');
      if (!authorised) return sendError(res, 401, 'unauthorized', 'missing or invalid bearer token');
      const holderId = url.searchParams.get('holderId');
      if (!holderId) return sendError(res, 400, 'missing_holder', 'holderId is required');
      const type = url.searchParams.get('type');
      const licences = options.data.licences
        .filter((l) => l.holderId === holderId && (!type || l.type === type))
        .map(({ holderId: _holder, ...licence }) => licence);
      sendJson(res, 200, { licences });
    };
    if (latencyMs === 0) return answer();
    const timer = setTimeout(() => (timers.delete(timer), answer()), latencyMs); // real time: injected network latency
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failNext: (count, status = 503) => void Object.assign(failures, { count, status }),
    setLatency: (ms) => void (latencyMs = ms),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
