// `npm run matters:import`: imports config/matters/*.json on purpose (the start seeds them only once, into an
// empty catalogue). It prints what each file would change; `npm run matters:import -- --apply` writes it, as
// new published versions (filed applications keep theirs). Same environment as the bot; for lowdb stop it first.
import path from 'node:path';
import { ConfigError, loadConfig } from '../config.js';
import { loadMattersOrThrow } from '../config-files.js';
import { ROOT_DIR } from '../root-dir.js';
import { createStore } from '../store/create-store.js';
import { DataCipher, resolveDataKeys } from '../store/data-cipher.js';
import { importPlan, type ImportLine } from './seed.js';

const apply = process.argv.includes('--apply');
try {
  const config = loadConfig(process.env);
  const files = await loadMattersOrThrow(path.join(ROOT_DIR, 'config/matters'));
  const store = createStore(
    { dataDir: config.dataDir, databaseUrl: config.databaseUrl },
    { now: Date.now, cipher: new DataCipher(await resolveDataKeys(config)) },
  );
  await store.open();
  try {
    let ids = 0;
    const now = Date.now();
    const plan = await importPlan(store, files, {
      now,
      actor: { type: 'admin', id: process.env.USER ?? 'matters:import' },
      newId: () => `${now}-import-${(ids += 1)}`,
    });
    for (const line of plan.lines) console.log(describe(line));
    const changed = plan.lines.filter((l) => l.change !== 'unchanged').length;
    if (changed === 0) console.log('没有需要导入的变化。');
    else if (!apply) console.log(`以上为预览（${changed} 个事项会变化），确认后运行 npm run matters:import -- --apply 写入。`);
    else {
      await store.commit({ records: { put: plan.records } });
      console.log(`已导入 ${changed} 个事项；新版本对新的申请生效，已提交的办件保持原版本。`);
    }
  } finally {
    await store.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `matters:import failed: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}

function describe(line: ImportLine): string {
  const head = { new: '新增', changed: `更新为第${line.version}版`, unchanged: '无变化' }[line.change];
  const details = line.summary.map((s) => `\n    - ${s}`).join('');
  return `${line.name}（${line.id}）：${head}${line.change === 'unchanged' ? '' : details}`;
}
