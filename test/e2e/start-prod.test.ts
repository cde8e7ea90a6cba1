import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ROOT_DIR } from '../../src/app.js';
import { waitForStream } from '../support/browser.js';
import { waitFor } from '../support/wait.js';

const prod = suite('npm run start:prod: the compiled build runs on its own');

const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(DINGTALK_|BACKOFFICE_|ELICENSE_|DATABASE_URL|ADMIN_|DATA_|HOST$|PORT$)/.test(key)),
);

prod('the build compiled like `npm run build` starts from any working directory, serves the web chat and stops on SIGTERM', async () => {
  const scripts = (JSON.parse(await readFile(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts.build!, 'tsconfig.build.json');
  assert.match(scripts['start:prod']!, 'node dist/src/main.js');

  // Same config as `npm run build`, another folder, so a developer's dist/ is left alone.
  const outDir = path.join(ROOT_DIR, 'test-output', `dist-${process.pid}`);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-prod-'));
  try {
    await promisify(execFile)(
      process.execPath,
      [path.join(ROOT_DIR, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir],
      { cwd: ROOT_DIR },
    );
    const child = spawn(process.execPath, [path.join(outDir, 'src/main.js')], {
      cwd: tmpdir(),
      env: { ...ENV, PORT: '0', DATA_DIR: dataDir, SANDBOX_REVIEW_DELAY_MS: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
    try {
      const url = await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`the compiled bot exited: ${output.slice(-2000)}`);
          return /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"Yiciban is listening"/.exec(output)?.[1];
        },
        { timeoutMs: 20_000, intervalMs: 50, what: 'the compiled bot to listen' },
      );
      await waitForStream(url, 10_000);
      for (const route of ['/sandbox', '/sandbox/assets/app.js', '/sandbox/assets/style.css', '/sandbox/vendor/marked.js']) {
        const response = await fetch(`${url}${route}`);
        assert.is(response.status, 200, route);
        await response.arrayBuffer();
      }
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await exited) as [number | null];
    assert.is(code, 0, output.slice(-2000));
    assert.match(output, '"msg":"stopped cleanly"');
  } finally {
    await rm(outDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
});

prod.run();
