import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ROOT_DIR } from '../../src/app.js';
import { createStore } from '../../src/store/create-store.js';
import { waitForStream } from '../support/browser.js';
import { waitFor } from '../support/wait.js';

const npmStart = suite('npm start: SIGTERM stops the whole process tree cleanly and loses nothing acknowledged');

const ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(DINGTALK_|BACKOFFICE_|ELICENSE_|DATABASE_URL|ADMIN_|DATA_|HOST$|PORT$|APPLICATION_ID_PREFIX)/.test(key),
  ),
);
const SECRET_TOKEN = 'configured-admin-token-0123456789';

interface Started {
  child: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
}

/** `npm start` as its own process group (as a service manager runs it); resolves once the stream is connected. */
async function startNpm(dataDir: string, env: Record<string, string> = {}): Promise<Started> {
  const child = spawn('npm', ['start'], {
    cwd: ROOT_DIR,
    env: { ...ENV, PORT: '0', DATA_DIR: dataDir, SANDBOX_REVIEW_DELAY_MS: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: Record<string, unknown>[] = [];
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    for (const line of chunk.split('\n')) if (line.startsWith('{"level"')) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
  const listening = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`npm start exited: ${output.slice(-2000)}`);
      return lines.find((line) => line.msg === 'Yiciban is listening');
    },
    { timeoutMs: 30_000, intervalMs: 50, what: 'npm start to listen' },
  );
  const url = String(listening.url);
  await waitForStream(url, 15_000);
  return { child, url, lines };
}

/** Live (not zombie) processes whose process group is `pgid`, read from /proc. */
async function groupMembers(pgid: number): Promise<number[]> {
  const members: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(entry));
  }
  return members;
}

/** SIGTERM to the npm process only; resolves with how long until no process of its group was left. */
async function terminate(started: Started): Promise<number> {
  const pgid = started.child.pid!;
  assert.ok((await groupMembers(pgid)).length >= 2, 'npm and the bot under it');
  const t0 = Date.now();
  started.child.kill('SIGTERM');
  try {
    await waitFor(async () => (await groupMembers(pgid)).length === 0, {
      timeoutMs: 12_000,
      intervalMs: 50,
      what: 'every process of the npm start tree to exit',
    });
  } finally {
    for (const pid of await groupMembers(pgid)) process.kill(pid, 'SIGKILL');
  }
  return Date.now() - t0;
}

async function say(url: string, text: string): Promise<void> {
  const response = await fetch(`${url}/sandbox/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId: 'citizen-zhang', conversation: 'single', text }),
  });
  assert.is(response.status, 201);
  await response.arrayBuffer();
}

npmStart(
  'SIGTERM to npm start: the bot stops cleanly within 12 s, nothing is left running, the data is there after a fresh start',
  async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-npm-start-'));
    try {
      const first = await startNpm(dataDir, { ADMIN_TOKEN: SECRET_TOKEN });
      assert.not.ok(
        first.lines.some((line) => JSON.stringify(line).includes(SECRET_TOKEN)),
        'a configured ADMIN_TOKEN is never logged',
      );
      await say(first.url, '我要办 公积金提取');
      await waitFor(
        async () => {
          const history = (await (await fetch(`${first.url}/sandbox/api/history?userId=citizen-zhang&conversation=single`)).json()) as {
            entries: { kind: string }[];
          };
          return history.entries.some((entry) => entry.kind === 'card');
        },
        { timeoutMs: 10_000, what: 'the bot to answer (the message was acknowledged)' },
      );

      const tookMs = await terminate(first);
      assert.ok(tookMs < 12_000, `stopped in ${tookMs} ms`);
      assert.ok(
        first.lines.some((line) => line.msg === 'stopped cleanly'),
        'the bot itself stopped, not a kill',
      );

      const second = await startNpm(dataDir);
      assert.ok(
        second.lines.some((line) => typeof line.adminToken === 'string'),
        'a token the sandbox made up is logged, so you can use it',
      );
      await terminate(second);

      const store = createStore({ dataDir });
      await store.open();
      try {
        assert.is(
          (await store.getDialog('user:citizen-zhang'))?.dialog,
          'apply',
          'the acknowledged start of the application survived both stops',
        );
      } finally {
        await store.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);

npmStart('the sandbox refuses to start on a non-loopback HOST or with a real BACKOFFICE_URL (exit code 2)', async () => {
  for (const [env, names] of [
    [{ HOST: '0.0.0.0' }, ['HOST']],
    [{ BACKOFFICE_URL: 'https://backoffice.example.gov.cn/api', BACKOFFICE_SECRET: 'k' }, ['BACKOFFICE_URL', 'DINGTALK_CLIENT_ID']],
  ] as const) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT_DIR,
      env: { ...ENV, PORT: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.is(code, 2, stderr);
    for (const name of names) assert.match(stderr, name);
  }
});

npmStart.run();
