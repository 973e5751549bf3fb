// The main script of the single-file build (`npm run package`, scripts/package.mjs).
// Node 20 runs an injected main script as CommonJS whose require() knows only the
// built-in modules, but Strata's bundle must stay ESM: ink's yoga-layout loads its
// wasm with a top-level await, which no CommonJS build can hold. So the ESM bundle
// rides in the executable as an asset and is imported from here through vm's
// default loader (import() of a file needs it in an injected script).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const sea = require('node:sea');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const source = sea.getAsset('strata.mjs', 'utf8');

/**
 * A file in a fresh directory only this user can read, removed by the bundle's
 * first statement (it is one file, read whole before it runs). A file keeps stack
 * traces short; where no temporary directory can be written (a read-only rescue
 * system), the bundle is imported from a data: URL instead.
 */
function moduleUrl() {
  let dir;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-'));
    const file = path.join(dir, 'strata.mjs');
    fs.writeFileSync(file, source, { mode: 0o600 });
    globalThis.__strataSeaLoaded = () => fs.rmSync(dir, { recursive: true, force: true });
    return pathToFileURL(file).href;
  } catch {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    globalThis.__strataSeaLoaded = () => undefined;
    return `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
  }
}

// The loader option is marked experimental on Node 20; the warning would be the first line of every command.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  if (String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
  emitWarning.call(process, warning, ...rest);
};
const load = new vm.Script(`import(${JSON.stringify(moduleUrl())})`, {
  filename: 'strata-sea-loader',
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const loaded = load.runInThisContext();
process.emitWarning = emitWarning;
loaded.catch((e) => {
  process.stderr.write(`strata: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 70;
});
