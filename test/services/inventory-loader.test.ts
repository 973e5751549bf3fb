import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfigPath, loadInventory, resolveConfigPath } from '../../src/services/inventory-loader.js';

const example = resolve(import.meta.dirname, '../../examples/homelab.json');

describe('inventory loader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the default file through conf without creating or reading anything', () => {
    const where = join(dir, 'strata-config-dir');
    expect(defaultConfigPath({ cwd: where })).toBe(join(where, 'config.json'));
    expect(existsSync(where)).toBe(false);
    // An invalid file at the default location does not make conf throw: it is never parsed there.
    mkdirSync(where);
    writeFileSync(join(where, 'config.json'), '{ not json');
    expect(defaultConfigPath({ cwd: where })).toBe(join(where, 'config.json'));
    expect(readdirSync(where)).toEqual(['config.json']);
  });

  it('puts the default file in the XDG config directory under strata/', () => {
    expect(defaultConfigPath()).toMatch(/[/\\]strata[/\\]config\.json$/);
  });

  it('lets --config win over STRATA_CONFIG, and STRATA_CONFIG over the default', () => {
    const env = { STRATA_CONFIG: join(dir, 'env.json') };
    expect(resolveConfigPath({ configFlag: join(dir, 'flag.json'), env })).toBe(join(dir, 'flag.json'));
    expect(resolveConfigPath({ env })).toBe(join(dir, 'env.json'));
    expect(resolveConfigPath({ env: {}, defaultCwd: dir })).toBe(join(dir, 'config.json'));
    expect(resolveConfigPath({ env: { STRATA_CONFIG: '' }, defaultCwd: dir })).toBe(join(dir, 'config.json'));
    expect(resolveConfigPath({ env: { STRATA_CONFIG: '~/inv.json' } })).toBe(join(homedir(), 'inv.json'));
  });

  it('loads and validates a file', async () => {
    const path = join(dir, 'homelab.json');
    copyFileSync(example, path);
    const r = await loadInventory(path);
    expect(r.ok).toBe(true);
    expect(r.ok && r.inventory.layers).toHaveLength(10);
    expect(r.path).toBe(path);
  });

  it('reports a missing file, a directory and invalid JSON as problems, and writes nothing', async () => {
    const missing = await loadInventory(join(dir, 'nope.json'));
    expect(missing).toEqual({
      ok: false,
      path: join(dir, 'nope.json'),
      problems: [{ path: '(file)', message: `no inventory file at ${join(dir, 'nope.json')}; write one (see examples/homelab.json) or pass --config FILE` }],
    });
    const isDir = await loadInventory(dir);
    expect(!isDir.ok && isDir.problems[0]!.message).toBe(`${dir} is a directory, not an inventory file`);
    writeFileSync(join(dir, 'bad.json'), '{\n  "version": 1,\n}');
    const bad = await loadInventory(join(dir, 'bad.json'));
    expect(!bad.ok && bad.problems[0]!.message).toMatch(/^invalid JSON at line 3, column 1: /);
    expect(readdirSync(dir).sort()).toEqual(['bad.json']);
  });
});
