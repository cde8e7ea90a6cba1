// The console's files: its own ES modules and stylesheet from public/ (no build step), and the vendor modules —
// Preact + htm + hooks, the 免登 part of dingtalk-jsapi and the domain's status words, bundled once by esbuild at
// first request and kept in memory, and ECharts' own ESM build as it ships.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ROOT_DIR } from '../root-dir.js';

// Beside this module when running the sources; in the source tree when running the compiled dist/.
const PUBLIC_DIRS = [fileURLToPath(new URL('./public/', import.meta.url)), path.join(ROOT_DIR, 'src/console/public')];

/** The folder the console's own files are served from. */
export function consolePublicDir(): string {
  const dir = PUBLIC_DIRS.find((candidate) => existsSync(path.join(candidate, 'index.html')));
  if (!dir) throw new Error(`the console's files are missing (looked in ${PUBLIC_DIRS.join(', ')})`);
  return dir;
}

/** Content types of the files served (anything else is not served). */
export const TYPES = new Map<string, string>([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
]);

// One lower-case name per segment, no dots but the extension's: `..`, `.hidden`, `%2e` and backslashes never match.
const SEGMENT = /^[a-z0-9][a-z0-9_-]*$/;
const FILE = /^[a-z0-9][a-z0-9_-]*\.(js|css|svg|png)$/;

/** The file under `dir` a request path names (`views/matters.js`), or undefined when it names none safely. */
export function publicFile(dir: string, requested: string): string | undefined {
  const segments = requested.split('/');
  const name = segments.pop() ?? '';
  if (segments.length > 3 || !segments.every((s) => SEGMENT.test(s)) || !FILE.test(name)) return undefined;
  const file = path.resolve(dir, ...segments, name);
  // Belt and braces: the resolved file is inside the folder.
  if (!file.startsWith(path.resolve(dir) + path.sep) || !existsSync(file)) return undefined;
  return file;
}

// Entry points of the bundled vendor modules, by the name the page imports.
const ENTRIES = new Map<string, { contents: string; format: 'esm' | 'iife' }>([
  [
    'preact.js',
    {
      format: 'esm',
      contents: [
        "import { h } from 'preact';",
        "import htm from 'htm';",
        "export { h, render, Fragment } from 'preact';",
        "export { useState, useEffect, useMemo, useRef, useCallback, useReducer } from 'preact/hooks';",
        'export const html = htm.bind(h);',
      ].join('\n'),
    },
  ],
  [
    // Only what 免登 needs (ready, env, requestAuthCode), as the global `dd` the DingTalk docs use.
    'dingtalk.js',
    {
      format: 'iife',
      contents: [
        "import { ready, env } from 'dingtalk-jsapi/core';",
        "import requestAuthCode from 'dingtalk-jsapi/api/runtime/permission/requestAuthCode';",
        'window.dd = { ready, env, runtime: { permission: { requestAuthCode } } };',
      ].join('\n'),
    },
  ],
  [
    // The bot's own words for application and department statuses and history actions (src/domain is pure), so the
    // console never restates them.
    'domain-text.js',
    {
      format: 'esm',
      contents: "export { ACTION_TEXT, APPLICATION_STATUS_TEXT, DEPARTMENT_STATUS_TEXT } from './src/domain/status-text.ts';",
    },
  ],
]);

/** Files served as they ship. */
const SHIPPED = new Map<string, string>([['echarts.js', path.join(ROOT_DIR, 'node_modules/echarts/dist/echarts.esm.min.mjs')]]);

/** The vendor modules, each bundled (or read) once. */
export class VendorModules {
  private readonly cache = new Map<string, Promise<Buffer>>();

  /** The module's code, or undefined for a name that is not one. */
  get(name: string): Promise<Buffer> | undefined {
    if (!ENTRIES.has(name) && !SHIPPED.has(name)) return undefined;
    let code = this.cache.get(name);
    if (!code) {
      code = this.load(name);
      // A failed build is not cached: the next request tries again (and the error reaches the log).
      code.catch(() => this.cache.delete(name));
      this.cache.set(name, code);
    }
    return code;
  }

  private async load(name: string): Promise<Buffer> {
    const shipped = SHIPPED.get(name);
    if (shipped) return readFile(shipped);
    const entry = ENTRIES.get(name)!;
    const result = await build({
      stdin: { contents: entry.contents, resolveDir: ROOT_DIR, loader: 'js', sourcefile: name },
      bundle: true,
      format: entry.format,
      minify: true,
      write: false,
      target: 'es2020',
      platform: 'browser',
      logLevel: 'silent',
      legalComments: 'none',
    });
    return Buffer.from(result.outputFiles[0]!.contents);
  }
}
