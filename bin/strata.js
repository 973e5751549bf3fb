#!/usr/bin/env node
// Runs the bundle `npm install` built (dist/, fast start), or the TypeScript
// sources through tsx when there is no bundle or a source changed since it was built.
import { readFileSync, statSync } from 'node:fs';
import v8 from 'node:v8';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A control panel left open on a management host should stay small: V8's size-optimised
// mode trades ~10 % of refresh time for about a third less memory (npm run bench -- tui).
v8.setFlagsFromString('--optimize-for-size');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function bundleIsFresh() {
  if (process.env.STRATA_FROM_SOURCE === '1') return false;
  try {
    const sources = JSON.parse(readFileSync(join(root, 'dist', 'sources.json'), 'utf8'));
    return sources.every(([path, mtimeMs]) => statSync(join(root, path)).mtimeMs === mtimeMs);
  } catch {
    return false;
  }
}

if (bundleIsFresh()) {
  await import('../dist/strata.mjs');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/entry.ts');
}
