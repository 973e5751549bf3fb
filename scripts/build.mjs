#!/usr/bin/env node
/**
 * Bundles Strata into dist/ with esbuild (`npm run build`, run by `npm install`
 * through `prepare`). Node loading hundreds of small module files costs more
 * start-up time than the code itself, and an operator opens Strata under
 * stress: the bundle starts in about a third of the time. dist/sources.json
 * lists every source file with its mtime, so bin/strata.js can tell a stale
 * bundle and run the sources instead.
 */
import { build } from 'esbuild';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { strata: join(root, 'src/cli/entry.ts') },
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies bundled into ESM still call require().
  banner: { js: "import { createRequire as __strataRequire } from 'node:module'; const require = __strataRequire(import.meta.url);" },
  // Native code stays in node_modules; devtools and the pty are never loaded by the product.
  external: ['ssh2', 'cpu-features', 'node-pty', 'react-devtools-core', '*.node'],
  define: { 'process.env.NODE_ENV': '"production"' },
  jsx: 'automatic',
  splitting: true,
  outdir,
  outExtension: { '.js': '.mjs' },
  metafile: true,
  logLevel: 'warning',
  // tui.ts sets NODE_ENV for runs from source; in the bundle it is production already.
  logOverride: { 'assign-to-define': 'silent' },
});
const sources = Object.keys(result.metafile.inputs)
  .filter((p) => !p.includes('node_modules/'))
  .concat(['package-lock.json'])
  .map((p) => [p, statSync(join(root, p)).mtimeMs]);
writeFileSync(join(outdir, 'sources.json'), JSON.stringify(sources));
