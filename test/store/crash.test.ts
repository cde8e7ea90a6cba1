import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { LowdbStore } from '../../src/store/lowdb-store.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('../support/store-crash-child.ts', import.meta.url));

/**
 * Runs the committing child until it has acknowledged `killAfter` commits, then kills it with SIGKILL
 * `delayMs` later (so the kill lands at different points of a batch); returns id → highest acked rev.
 */
function runAndKill(dataDir: string, killAfter: number, delayMs: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<string, number>();
    let pending = '';
    let stderr = '';
    let count = 0;
    let timer: NodeJS.Timeout | undefined;
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [id, rev] = line.split(' ');
        acked.set(id!, Math.max(Number(rev), acked.get(id!) ?? 0));
        count++;
      }
      if (count >= killAfter && !timer) timer = setTimeout(() => proc.kill('SIGKILL'), delayMs); // real time: kills the child process mid-write
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended by itself (code ${code}) after ${count} commits:\n${stderr}`));
      else resolve(acked);
    });
  });
}

test('keeps every acknowledged commit, whole, across repeated kill -9', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-crash-'));
  const everAcked = new Map<string, number>();
  try {
    // Each round reopens what the previous kill left (replaying its log) and carries on numbering.
    for (const [killAfter, delayMs] of [
      [150, 0],
      [300, 3],
      [450, 1],
      [600, 7],
      [777, 2],
    ] as const) {
      for (const [id, rev] of await runAndKill(dataDir, killAfter, delayMs)) everAcked.set(id, Math.max(rev, everAcked.get(id) ?? 0));

      const store = new LowdbStore({ dataDir });
      await store.open();
      try {
        for (const [id, rev] of everAcked) {
          const app = await store.getApplication(id);
          assert.ok(app && app.rev >= rev, `acknowledged ${id} rev ${rev} is stored`);
        }
        const { items } = await store.findApplications({});
        assert.ok(items.length >= everAcked.size);
        assert.is((await store.findRecords('crash.note')).total, items.length, 'one record per application, none without');
        let highest = 0;
        for (const app of items) {
          assert.ok(await store.getJob(`submit:${app.id}`), `${app.id} has its submit job`);
          assert.ok(await store.hasProcessed(`msg:${app.id}`), `${app.id} has its inbox id`);
          assert.is(
            Boolean(await store.getJob(`update:${app.id}`)),
            app.rev === 2,
            `${app.id} rev ${app.rev} and its update job go together`,
          );
          assert.is((await store.getRecord('crash.note', app.id))?.rev, app.rev, `${app.id} rev ${app.rev} and its record go together`);
          highest = Math.max(highest, Number(app.id.slice(-4)));
        }
        const jobs = await store.dueJobs(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
        for (const job of jobs) assert.ok(await store.getApplication(job.id.split(':')[1]!), `job ${job.id} has its application`);
        const next = await store.nextApplicationId('20261128');
        assert.ok(Number(next.slice(-4)) > highest, 'no application number is handed out twice');
      } finally {
        await store.close();
      }
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test.run();
