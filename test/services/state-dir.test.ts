import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureStateDir, stateDir, statePath } from '../../src/services/state-dir.js';

describe('stateDir', () => {
  it('uses STRATA_STATE_DIR above everything else', () => {
    expect(stateDir({ STRATA_STATE_DIR: '/tmp/s', XDG_STATE_HOME: '/x', HOME: '/h' })).toBe('/tmp/s');
  });

  it('uses $XDG_STATE_HOME/strata when set to an absolute path', () => {
    expect(stateDir({ XDG_STATE_HOME: '/var/lib/me', HOME: '/h' })).toBe('/var/lib/me/strata');
  });

  it('ignores a relative or empty XDG_STATE_HOME, as the XDG spec asks', () => {
    expect(stateDir({ XDG_STATE_HOME: 'relative/dir', HOME: '/h' })).toBe('/h/.local/state/strata');
    expect(stateDir({ XDG_STATE_HOME: '', HOME: '/h' })).toBe('/h/.local/state/strata');
  });

  it('falls back to ~/.local/state/strata', () => {
    expect(stateDir({ HOME: '/home/op' })).toBe('/home/op/.local/state/strata');
  });

  it('names files inside the directory', () => {
    expect(statePath('journal.jsonl', { STRATA_STATE_DIR: '/tmp/s' })).toBe('/tmp/s/journal.jsonl');
  });
});

describe('ensureStateDir', () => {
  let base = '';
  afterEach(async () => {
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('creates missing parents with a private mode and returns the path', async () => {
    base = await mkdtemp(join(tmpdir(), 'strata-state-'));
    const dir = await ensureStateDir({ XDG_STATE_HOME: join(base, 'deep', 'state') });
    expect(dir).toBe(join(base, 'deep', 'state', 'strata'));
    const s = await stat(dir);
    expect(s.isDirectory()).toBe(true);
    expect(s.mode & 0o777).toBe(0o700);
    // A second call on an existing directory is fine.
    await expect(ensureStateDir({ XDG_STATE_HOME: join(base, 'deep', 'state') })).resolves.toBe(dir);
  });
});
