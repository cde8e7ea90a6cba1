// The functions with the most self time in a V8 CPU profile (node --cpu-prof; bench/inbound.ts --profile <dir>
// writes one of Yiciban). Run: npx tsx bench/profile-top.ts <file.cpuprofile> [rows=25]
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { ROOT_DIR } from '../src/app.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rows = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/profile-top.ts <file.cpuprofile> [rows]');
  process.exit(2);
}
const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
// Self time of a sample is the gap until the next sample, charged to the sampled (innermost) frame.
const selfUs = new Map<string, number>();
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i + 1] ?? 0;
  totalUs += delta;
  const key = label(nodes.get(id)!);
  selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
});
console.log(`${(totalUs / 1e6).toFixed(2)} s sampled; top self time:`);
for (const [key, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))) {
  console.log(`${(us / 1e3).toFixed(0).padStart(7)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${key}`);
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.startsWith('file://') ? relative(ROOT_DIR, new URL(url).pathname) : url;
  return `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
}
