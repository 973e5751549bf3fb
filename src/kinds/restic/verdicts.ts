/** restic's own summaries: a backup's snapshot and unreadable files, a check's errors. */
import { parseBackupOutput, parseCheckOutput } from '../../adapters/restic/parse.js';
import { excerpt } from '../../adapters/shared/json.js';
import type { StepOutput } from '../action-types.js';
import { resticRestoreFold, type ResticRestoreProgress } from '../../adapters/restic/restore.js';
import type { StepProgress } from '../action-types.js';
import { always, collecting, never, plural, unreadable, type StepOutputSpecs, type StepReader } from '../shared/step-reading.js';
import { formatBytes } from '../shared/words.js';

export type ResticOutput = Extract<StepOutput, { readonly kind: 'restic-backup' | 'restic-check' | 'restic-restore' }>;

/** restic restore: progress from 0.16+'s JSON status; a partial restore is a warning (the checks say what is missing). */
function restoreReader(): StepReader {
  const fold = resticRestoreFold();
  let last: ResticRestoreProgress | undefined;
  let shown: Omit<StepProgress, 'step'> | undefined;
  return {
    line: (stream, text) => fold.line(stream, text),
    progress() {
      const p = fold.progress();
      if (!p || p === last) return shown;
      last = p;
      shown = { format: 'restic', percent: p.percent ?? null, scope: p.percent !== undefined ? 'whole' : 'none', disksDone: 0, bytesRead: p.bytesRestored, ...(p.totalBytes !== undefined ? { totalBytes: p.totalBytes } : {}) };
      return shown;
    },
    finish(result) {
      const r = fold.finish(result.exitCode);
      if (!r.ok) return unreadable('restic restore', r);
      const v = r.value;
      const counts = v.form === 'json' ? `${plural(v.filesRestored ?? 0, 'file')}, ${formatBytes(v.bytesRestored ?? 0)}` : 'done (this restic prints no counts: the check reads what landed)';
      const verified = v.verifiedFiles !== undefined ? `; verified ${plural(v.verifiedFiles, 'file')}` : '';
      if (v.outcome === 'partial') {
        const first = v.errors[0];
        return { state: 'warn', summary: `restic restore: ${counts}, but ${plural(v.errorCount, 'error')}${first ? ` (${excerpt(`${first.item}: ${first.message}`, 120)})` : ''}` };
      }
      return { state: 'ok', summary: `restic restore: ${counts}${verified}` };
    },
  };
}

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
  'restic-restore': { verifies: never, reader: restoreReader },
};
