// Where the project lives. The sources run from src/ and the build from dist/src/; config/ and the web chat's
// static files stay in the project root either way (`npm run build` compiles TypeScript only).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('..', import.meta.url));

/** The project root: the folder holding config/ (one level up when running the compiled dist/). */
export const ROOT_DIR = existsSync(path.join(HERE, 'config')) ? HERE : path.resolve(HERE, '..');
