/**
 * Every test file runs with a fresh, empty HOME: nothing the developer's own
 * Strata wrote (~/.config/strata, the journal and saved status under
 * ~/.local/state/strata) can leak into a test, and no test writes there.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.HOME = mkdtempSync(join(tmpdir(), 'strata-test-home-'));
delete process.env.XDG_STATE_HOME;
delete process.env.XDG_CONFIG_HOME;
delete process.env.STRATA_STATE_DIR;
delete process.env.STRATA_CONFIG;
