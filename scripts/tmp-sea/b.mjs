import { build } from 'esbuild';
const noDevtools = { name: 'no-devtools', setup(b) {
  b.onResolve({ filter: /\/devtools\.js$/ }, (a) => a.importer.includes('/ink/') ? { path: 'ink-devtools', namespace: 'strata-sea' } : undefined);
  b.onLoad({ filter: /.*/, namespace: 'strata-sea' }, () => ({ contents: "throw new Error('React DevTools (DEV=true) are not part of the single-file build');", loader: 'js' }));
}};
const r = await build({
  entryPoints: ['src/cli/entry.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20',
  banner: { js: "import { createRequire as __strataRequire } from 'node:module'; const require = __strataRequire(process.execPath);" },
  external: ['*.node'], plugins: [noDevtools],
  define: { 'process.env.NODE_ENV': '"production"' }, jsx: 'automatic', outfile: '/tmp/seatest/strata.mjs', metafile: true, logLevel: 'warning',
  logOverride: { 'assign-to-define': 'silent' }, minify: process.env.MIN === '1',
});
const ext = Object.values(r.metafile.outputs)[0].imports.filter(i=>i.external).map(i=>i.path);
console.log([...new Set(ext)].join(' '));
