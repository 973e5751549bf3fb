/** docs/monitoring.md's "Notifications" says the numbers the code uses. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/io.js';
import { USAGE } from '../../src/cli/notify.js';
import { DEFAULT_MAX_PENDING, DEFAULT_RETRY_DELAYS_MS } from '../../src/services/notify/notifier.js';

const doc = readFileSync('docs/monitoring.md', 'utf8');
const start = doc.indexOf('## Notifications');
const end = doc.indexOf('\n## ', start + 1);
const section = doc.slice(start, end < 0 ? undefined : end);

describe('docs/monitoring.md, Notifications', () => {
  it('gives the retries, the queue bound and the exit code the code has', () => {
    expect(DEFAULT_RETRY_DELAYS_MS).toEqual([1000, 4000]);
    expect(section).toContain('tried three times');
    expect(section).toContain('waiting 1 s, then 4 s');
    expect(section).toContain(`at most ${DEFAULT_MAX_PENDING} waiting messages`);
    expect(section).toContain(`exits **${EXIT.tempFail}**`);
    expect(USAGE).toContain(`${EXIT.tempFail} a message or ping could not be sent`);
  });
});
