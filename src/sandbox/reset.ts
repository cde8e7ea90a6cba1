// `npm run sandbox:reset`: removes the sandbox store's files from DATA_DIR, nothing else (stop `npm start` first).
import { loadConfig } from '../config.js';
import { clearDataDir } from './start.js';

const config = loadConfig(process.env);
if (!config.sandbox) {
  console.error('sandbox:reset only clears sandbox data; DINGTALK_CLIENT_ID is set, so this is a real deployment — refusing.');
  process.exit(2);
}
await clearDataDir(config.dataDir);
console.log(`沙箱数据已清空：${config.dataDir}`);
