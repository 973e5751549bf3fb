/** Replacing a state file whole: the mode asked for whatever the umask, and nothing left behind when it fails. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceFile } from '../../src/services/atomic-file.js';

describe('replaceFile', () => {
  it('replaces the old content and gives the file its mode even where the umask would take bits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-atomic-'));
    const path = join(dir, 'strata.prom');
    writeFileSync(path, 'old');
    const before = process.umask(0o077);
    try {
      await replaceFile(path, 'new', 0o644);
    } finally {
      process.umask(before);
    }
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir)).toEqual(['strata.prom']);
  });

  it('a failed replace throws and leaves no temporary file beside what was there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-atomic-'));
    const path = join(dir, 'state.json');
    mkdirSync(path); // a directory where the file should go: the rename fails after the write
    await expect(replaceFile(path, '{}', 0o600)).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});
