/** restic's own summaries: a backup's snapshot and unreadable files, a check's errors. */
import { parseBackupOutput, parseCheckOutput } from '../../adapters/restic/parse.js';
import { excerpt } from '../../adapters/shared/json.js';
import type { StepOutput } from '../action-types.js';
import { always, collecting, never, plural, unreadable, type StepOutputSpecs } from '../shared/step-reading.js';
import { formatBytes } from '../shared/words.js';

export type ResticOutput = Extract<StepOutput, { readonly kind: 'restic-backup' | 'restic-check' }>;

export const resticVerdicts: StepOutputSpecs<ResticOutput> = {
  'restic-backup': {
    verifies: never,
    reader: () =>
      collecting((stdout, stderr, code) => {
        const r = parseBackupOutput(stdout, stderr, code);
        if (!r.ok) return unreadable('restic backup', r);
        const b = r.value;
        const what = `snapshot ${b.snapshotId ?? '?'}${b.filesNew !== undefined ? `, ${plural(b.filesNew, 'new file')}` : ''}${b.dataAdded !== undefined ? `, ${formatBytes(b.dataAdded)} added` : ''}`;
        if (b.incomplete) {
          const first = b.errors[0];
          return { state: 'warn', summary: `restic backup: ${what}, but ${plural(b.errors.length, 'file')} could not be read${first ? ` (${excerpt(first.item ?? first.message, 100)})` : ''}` };
        }
        return { state: 'ok', summary: `restic backup: ${what}` };
      }, (line) => line.trim().startsWith('{') && !line.includes('"message_type":"status"')),
  },
  'restic-check': {
    verifies: always,
    reader: (output) =>
      collecting((stdout, stderr, code) => {
        const r = parseCheckOutput(stdout, stderr, code);
        if (!r.ok) return unreadable('restic check', r);
        if (!r.value.clean) return { state: 'failed', summary: `restic check: ${r.value.message}`, verified: 'failed' };
        // Only reading the data proves the copies can be restored; the structure alone does not.
        return output.readsData
          ? { state: 'ok', summary: `restic check: no errors were found, ${output.readsData} of the data read`, verified: 'ok' }
          : { state: 'ok', summary: 'restic check: no errors were found in the structure (no data read: add --read-data-subset to prove restores)' };
      }),
  },
};
