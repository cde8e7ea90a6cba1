// Where the project lives. The sources run from src/ and the build from dist/src/; config/ and the web chat's
// static files stay in the project root either way (`npm run build` compiles TypeScript only).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder above this module holding config/matters (src/.. or dist/src/../..). */
export const ROOT_DIR = findRoot(fileURLToPath(new URL('..', import.meta.url)));

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'config', 'matters'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}
