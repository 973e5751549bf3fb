#!/usr/bin/env node
/**
 * `npm run package`: Strata as one executable file (Node's single executable
 * application), for a freshly installed node that has no Node.js, npm or
 * network: keep it beside the DR card, off-site (docs/disaster-recovery.md).
 *
 * 1. esbuild bundles everything, ssh2 included, into one ESM file (no chunks:
 *    it is imported whole from one place), build/sea/strata.mjs;
 * 2. `node --experimental-sea-config` writes the blob: the CommonJS main
 *    bin/strata-sea.cjs plus that bundle as an asset;
 * 3. a copy of this node binary gets the blob injected with postject and its
 *    SEA fuse flipped: build/strata.
 *
 * `--bundle-only` stops after step 2 (what can be built without postject).
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'build');
const seaDir = join(outDir, 'sea');
const bundle = join(seaDir, 'strata.mjs');
const blob = join(seaDir, 'strata.blob');
const configFile = join(seaDir, 'sea-config.json');
const executable = join(outDir, 'strata');
/** The sentinel Node 20 looks for to know it carries a blob (doc/api/single-executable-applications.md). */
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const bundleOnly = process.argv.includes('--bundle-only');
const started = Date.now();
const step = (what) => console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${what}`);

/** ink loads React DevTools only under DEV=true; the tool is not in the single file, and says so. */
const withoutDevtools = {
  name: 'without-devtools',
  setup(b) {
    b.onResolve({ filter: /\/devtools\.js$/ }, (a) => (a.importer.includes('/ink/') ? { path: 'ink-devtools', namespace: 'strata-sea' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'strata-sea' }, () => ({
      contents: "throw new Error('React DevTools (DEV=true) are not part of the single-file build: run Strata from its repository for them');",
      loader: 'js',
    }));
  },
};

rmSync(outDir, { recursive: true, force: true });
mkdirSync(seaDir, { recursive: true });
await build({
  entryPoints: [join(root, 'src/cli/entry.ts')],
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: {
    js: [
      // bin/strata-sea.cjs wrote this file for the import; it has been read whole by now.
      'globalThis.__strataSeaLoaded?.();',
      // CommonJS packages inside the bundle call require(), and ssh2's poly1305 asks for __dirname: both of the executable.
      "import { createRequire as __strataRequire } from 'node:module';",
      "import { dirname as __strataDirname } from 'node:path';",
      'const require = __strataRequire(process.execPath);',
      'const __filename = process.execPath;',
      'const __dirname = __strataDirname(__filename);',
    ].join('\n'),
  },
  // ssh2's and cpu-features' native addons are optional (each require() is guarded): ssh2 falls back to its JavaScript crypto.
  external: ['*.node'],
  plugins: [withoutDevtools],
  define: { 'process.env.NODE_ENV': '"production"' },
  jsx: 'automatic',
  outfile: bundle,
  legalComments: 'none',
  logLevel: 'warning',
  logOverride: { 'assign-to-define': 'silent' },
});
step(`bundle ${relative(root, bundle)} (${mib(statSync(bundle).size)})`);

writeFileSync(
  configFile,
  JSON.stringify(
    {
      main: join(root, 'bin/strata-sea.cjs'),
      output: blob,
      disableExperimentalSEAWarning: true,
      // A snapshot would have to build Strata's heap at build time, which an ESM bundle loaded by import() cannot;
      // the code cache would cover only the small main script.
      useSnapshot: false,
      useCodeCache: false,
      assets: { 'strata.mjs': bundle },
    },
    null,
    2,
  ),
);
const made = spawnSync(process.execPath, ['--experimental-sea-config', configFile], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (made.status !== 0) fail(`node --experimental-sea-config failed:\n${made.stderr}${made.stdout}`);
step(`blob ${relative(root, blob)} (${mib(statSync(blob).size)})`);
if (bundleOnly) process.exit(0);

const inject = postjectInject();
copyFileSync(process.execPath, executable);
chmodSync(executable, 0o755);
await inject(executable, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: FUSE });
step(`executable ${relative(root, executable)} (${mib(statSync(executable).size)}, node ${process.version} ${process.platform}-${process.arch})`);

function postjectInject() {
  try {
    return createRequire(join(root, 'package.json'))('postject').inject;
  } catch {
    fail(
      [
        'postject is not installed: it writes the blob into the copy of node (npm install --save-dev postject@1.0.0-alpha.6).',
        `Everything before that step was built: ${relative(root, bundle)} and ${relative(root, blob)}.`,
      ].join('\n'),
    );
  }
}

function mib(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function fail(message) {
  console.error(`npm run package: ${message}`);
  process.exit(1);
}
