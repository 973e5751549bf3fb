/** vzdump's own result: the task's guests and warnings; a test of an archive's compression. */
import { excerpt } from '../../adapters/shared/json.js';
import { parseArchiveTest, vzdumpFold } from '../../adapters/pve/vzdump.js';
import type { StepOutput } from '../action-types.js';
import { always, collecting, folding, never, plural, unreadable, type StepOutputSpecs } from '../shared/step-reading.js';

export type VzdumpOutput = Extract<StepOutput, { readonly kind: 'vzdump' | 'archive-test' }>;

export const vzdumpVerdicts: StepOutputSpecs<VzdumpOutput> = {
  vzdump: {
    verifies: never,
    reader: () =>
      folding(vzdumpFold(), (r) => {
        if (!r.ok) return unreadable('vzdump', r);
        const v = r.value;
        const failed = v.guests.filter((g) => !g.ok);
        if (!v.success || failed.length > 0) {
          const first = failed[0];
          const why = first ? `backup of ${first.vmid} failed - ${excerpt(first.error ?? '', 160)}` : 'the job finished with errors';
          return { state: 'failed', summary: `vzdump: ${failed.length > 1 ? `${failed.length} of ${v.guests.length} guests failed; ` : ''}${why}` };
        }
        const warn = v.warnings.length > 0 ? `, ${plural(v.warnings.length, 'warning')}: ${excerpt(v.warnings[0]!, 120)}` : '';
        return { state: v.warnings.length > 0 ? 'warn' : 'ok', summary: `vzdump: ${plural(v.guests.length, 'guest')} backed up${warn}` };
      }),
  },
  'archive-test': {
    verifies: always,
    reader: (output) =>
      collecting((stdout, stderr, code) => {
        const r = parseArchiveTest(stdout, stderr, code);
        if (!r.ok) return unreadable('archive test', r);
        return r.value.intact
          ? { state: 'ok', summary: `${output.archive}: archive intact`, verified: 'ok' }
          : { state: 'failed', summary: `${output.archive}: ${r.value.message}`, verified: 'failed' };
      }, () => false),
  },
};
