import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Runs a tiny suite that needs a tool no machine has, once plainly and once as CI does.
function runProbeSuite(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'strata-skip-'));
  const file = join(dir, 'needs-missing.test.ts');
  writeFileSync(
    file,
    `import { describeWithTools } from '${join(process.cwd(), 'test/helpers/tools.ts')}';
import { it } from 'vitest';
process.env.PATH = '/nonexistent';
describeWithTools(['restic'], 'a suite needing restic', () => { it('runs restic', () => {}); });
`,
  );
  return spawnSync('npx', ['vitest', 'run', '--root', dir, file], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('tests that need a missing tool', () => {
  it('are skipped with the tool and how to install it', () => {
    const r = runProbeSuite({ STRATA_REQUIRE_REAL_TOOLS: '' });
    expect(r.status).toBe(0);
    expect(r.stderr + r.stdout).toContain('needs restic (apt-get install restic)');
  });

  it('fail under STRATA_REQUIRE_REAL_TOOLS=1, as in CI', () => {
    const r = runProbeSuite({ STRATA_REQUIRE_REAL_TOOLS: '1' });
    expect(r.status).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('STRATA_REQUIRE_REAL_TOOLS=1 but missing');
  });
});
