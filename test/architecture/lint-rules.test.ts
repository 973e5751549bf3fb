import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();

/** Lints a throwaway tree laid out like ours with the project's own rules. */
function lintTree(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'strata-lint-'));
  copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  copyFileSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = spawnSync(
    join(ROOT, 'node_modules/.bin/depcruise'),
    ['src', 'components', 'screens', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
    { cwd: dir, encoding: 'utf8' },
  );
  return { status: r.status, output: r.stdout + r.stderr };
}

const base = {
  'src/domain/types.ts': 'export const ok = 1;\n',
  'src/transport/runner.ts': 'export interface Runner { host: string }\n',
  'src/store/store.ts': 'export const store = 1;\n',
  'components/Empty.tsx': 'export const Empty = 1;\n',
  'screens/Empty.tsx': 'export const Screen = 1;\n',
};

describe('the dependency rule (npm run lint)', () => {
  it('accepts a tree that follows it', () => {
    const r = lintTree({
      ...base,
      'src/adapters/pve/index.ts': "import type { Runner } from '../../transport/runner.js';\nimport { ok } from '../../domain/types.js';\nexport const f = (r: Runner) => [r, ok];\n",
    });
    expect(r.output).not.toContain('error');
    expect(r.status).toBe(0);
  });

  it('fails an adapter that imports ssh2', () => {
    const r = lintTree({ ...base, 'src/adapters/pve/index.ts': "import { Client } from 'ssh2';\nexport const c = Client;\n" });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('adapters-do-not-spawn');
  });

  it('fails an adapter that imports execa', () => {
    const r = lintTree({ ...base, 'src/adapters/zfs/index.ts': "import { execa } from 'execa';\nexport const c = execa;\n" });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('adapters-do-not-spawn');
  });

  it('fails a component that imports the store', () => {
    const r = lintTree({ ...base, 'components/Bad.tsx': "import { store } from '../src/store/store.js';\nexport const b = store;\n" });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('components-are-pure-views');
  });

  it('fails a domain module that does I/O or imports another layer', () => {
    const r = lintTree({
      ...base,
      'src/domain/bad.ts': "import { readFileSync } from 'node:fs';\nimport type { Runner } from '../transport/runner.js';\nexport const b = (r: Runner) => [r, readFileSync];\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('domain-no-io');
  });

  it('fails a layer kind that imports a service above it', () => {
    const r = lintTree({
      ...base,
      'src/services/journal.ts': 'export const journal = 1;\n',
      'src/kinds/restic/reader.ts': "import { journal } from '../../services/journal.js';\nexport const r = journal;\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('kinds-below-services');
  });

  it('fails a screen that reaches past the store into a service or a kind', () => {
    const r = lintTree({
      ...base,
      'src/kinds/registry.ts': 'export const KINDS = 1;\n',
      'screens/Bad.tsx': "import { KINDS } from '../src/kinds/registry.js';\nexport const b = KINDS;\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('screens-use-store-not-io');
  });
});
