/** An archive read back with tar: every configured path must be in it. */
import { archiveListFold } from '../../adapters/config-backup/verify.js';
import type { StepOutput } from '../action-types.js';
import { always, folding, plural, unreadable, type StepOutputSpecs } from '../shared/step-reading.js';

export type ConfigBackupOutput = Extract<StepOutput, { readonly kind: 'tar-list' }>;

export const configBackupVerdicts: StepOutputSpecs<ConfigBackupOutput> = {
  'tar-list': {
    verifies: always,
    reader: (output) =>
      folding(archiveListFold(output.paths), (r) => {
        if (!r.ok) {
          // tar itself could not read the archive: that disproves it, unless tar is missing.
          return /exit 127|not found/.test(r.error.message)
            ? unreadable('tar', r)
            : { state: 'failed', summary: `${output.archive}: unreadable: ${r.error.message}`, verified: 'failed' };
        }
        if (r.value.missing.length > 0) {
          return { state: 'failed', summary: `${output.archive} lacks ${r.value.missing.join(', ')} (${plural(r.value.entries, 'entry', 'entries')})`, verified: 'failed' };
        }
        return { state: 'ok', summary: `${output.archive} reads back: ${plural(r.value.entries, 'entry', 'entries')}, every path present`, verified: 'ok' };
      }),
  },
};
