/** rclone's own stats: a sync's transfers and errors, the mark written after it, a check's differences. */
import { rcloneCheckFold, rcloneSyncFold } from '../../adapters/rclone/sync.js';
import { excerpt } from '../../adapters/shared/json.js';
import type { StepOutput } from '../action-types.js';
import { always, defaultReader, folding, never, plural, unreadable, type StepOutputSpecs } from '../shared/step-reading.js';
import { formatBytes } from '../shared/words.js';

export type RcloneOutput = Extract<StepOutput, { readonly kind: 'rclone-sync' | 'rclone-mark' | 'rclone-check' }>;

export const rcloneVerdicts: StepOutputSpecs<RcloneOutput> = {
  'rclone-sync': {
    verifies: never,
    reader: () =>
      folding(rcloneSyncFold(), (r) => {
        if (!r.ok) return unreadable('rclone sync', r);
        const s = r.value;
        const what = `${plural(s.transfers, 'file')} copied (${formatBytes(s.bytes)})${s.deletes > 0 ? `, ${s.deletes} deleted` : ''}`;
        if (s.errors > 0) return { state: 'warn', summary: `rclone sync: ${what}, ${plural(s.errors, 'error')}${s.lastError ? `: ${excerpt(s.lastError, 120)}` : ''}` };
        return { state: 'ok', summary: `rclone sync: ${what}` };
      }),
  },
  /** The sync marker written after a whole sync: without it the status cannot tell the copy is whole. */
  'rclone-mark': {
    verifies: never,
    reader: (output, cmd) => {
      const plain = defaultReader(cmd);
      return {
        line: plain.line,
        finish(result) {
          const v = plain.finish(result);
          const when = new Date(output.atSec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
          return v.state === 'ok'
            ? { state: 'ok', summary: `copy marked whole as of ${when}` }
            : { state: 'warn', summary: `the copy is whole, but the mark that tells the status so was not written (${v.summary})` };
        },
      };
    },
  },
  'rclone-check': {
    verifies: always,
    reader: () =>
      folding(rcloneCheckFold(), (r) => {
        if (!r.ok) return unreadable('rclone check', r);
        const c = r.value;
        if (c.clean && c.sizeOnly) {
          // Without a hash both sides know, rclone compared sizes only: equal sizes prove nothing about contents.
          return { state: 'warn', summary: `rclone check: ${plural(c.same, 'file')} of equal size; no common hash, so contents were not compared` };
        }
        if (c.clean) return { state: 'ok', summary: `rclone check: ${plural(c.same, 'file')} match`, verified: 'ok' };
        const parts = [
          c.missingOnRemote > 0 ? `${c.missingOnRemote} missing on the remote` : '',
          c.differ > 0 ? `${c.differ} differ` : '',
          c.missingOnSource > 0 ? `${c.missingOnSource} only on the remote` : '',
          c.errors > 0 ? `${c.errors} could not be checked` : '',
        ].filter((p) => p !== '');
        return { state: 'failed', summary: `rclone check: ${parts.join(', ')}; ${c.same} match (${c.examples.slice(0, 3).join(', ')})`, verified: 'failed' };
      }),
  },
};
