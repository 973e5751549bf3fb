/**
 * A layer kind's knowledge lives in its folder (src/kinds/<kind>/), its row of
 * the pure table (src/domain/layer-kinds/) and its registry line. Anywhere
 * else, code asks the registry or the table; it never branches on a kind's
 * name. (The lab simulates tools, not Strata's kinds, and is not product code.)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYER_KINDS } from '../../src/domain/inventory-file.js';

const ROOT = process.cwd();
const ALLOWED = [/^src\/kinds\//, /^src\/domain\/layer-kinds\//, /^src\/lab\//];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

const kinds = LAYER_KINDS.map((k) => k.replace(/[-]/g, '\\-')).join('|');
/** `x.kind === 'restic'`, `kind !== "pbs"`, `case 'vzdump':`, and a switch over a layer's kind. */
const BRANCHES = [
  new RegExp(`kind\\s*[!=]==?\\s*['"](${kinds})['"]`),
  new RegExp(`['"](${kinds})['"]\\s*[!=]==?\\s*\\w*\\.?kind\\b`),
  new RegExp(`case\\s+['"](${kinds})['"]\\s*:`),
  /switch\s*\(\s*(layer|l|spec|layerFile)\.kind\s*\)/,
];

/** Lines of product code, outside the allowed places, that branch on a layer kind's name. */
function kindBranches(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const rel = relative(ROOT, file);
    if (ALLOWED.some((re) => re.test(rel))) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (BRANCHES.some((re) => re.test(line))) found.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
  }
  return found;
}

describe('one place per layer kind', () => {
  it('no product code outside a kind folder and the pure table branches on a kind name', () => {
    const files = ['src', 'screens', 'components'].flatMap((d) => sources(join(ROOT, d)));
    expect(kindBranches(files)).toEqual([]);
  });

  it('the check finds each way of branching on a kind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-kind-switch-'));
    const file = join(dir, 'bad.ts');
    writeFileSync(
      file,
      ["if (layer.kind === 'restic') go();", "if ('pbs' !== l.kind) stop();", "switch (layer.kind) {", "  case 'zfs-replication':", "const ok = layer.kind;"].join('\n'),
    );
    try {
      expect(kindBranches([file]).map((l) => l.replace(/^.*bad\.ts:/, ''))).toEqual([
        "1: if (layer.kind === 'restic') go();",
        "2: if ('pbs' !== l.kind) stop();",
        '3: switch (layer.kind) {',
        "4: case 'zfs-replication':",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
