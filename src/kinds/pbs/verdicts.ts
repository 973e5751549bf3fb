/** A PBS task's own end state, and every snapshot's verify state read back after a verify. */
import { pbsTaskFold } from '../../adapters/pbs/jobs.js';
import { parseSnapshotList } from '../../adapters/pbs/parse.js';
import { excerpt } from '../../adapters/shared/json.js';
import { epochToIsoSeconds } from '../../adapters/shared/values.js';
import type { StepOutput } from '../action-types.js';
import { always, collecting, folding, plural, unreadable, type StepOutputSpecs } from '../shared/step-reading.js';

export type PbsOutput = Extract<StepOutput, { readonly kind: 'pbs-task' | 'pbs-verify-states' }>;

export const pbsVerdicts: StepOutputSpecs<PbsOutput> = {
  'pbs-task': {
    verifies: (output) => output.verify,
    reader: (output) =>
      folding(pbsTaskFold(), (r) => {
        if (!r.ok) return unreadable('PBS task', r);
        const t = r.value;
        if (!output.verify) {
          if (t.status === 'error') return { state: 'failed', summary: `sync failed: ${excerpt(t.message, 200)}` };
          return { state: t.status === 'ok' ? 'ok' : 'warn', summary: `sync ${t.status === 'ok' ? 'ok' : `with ${t.message}`}: ${plural(t.synced, 'snapshot')} copied` };
        }
        const counts = `${plural(t.verified, 'snapshot')} verified${t.skipped > 0 ? `, ${t.skipped} skipped (verified recently)` : ''}`;
        if (t.status === 'error') {
          const proven = t.failed.length > 0 || /verification failed/i.test(t.message);
          const list = t.failed.length > 0 ? ` (${t.failed.slice(0, 3).join(', ')}${t.failed.length > 3 ? ', …' : ''})` : '';
          return { state: 'failed', summary: `verify failed: ${excerpt(t.message, 160)}${list}; ${counts}`, ...(proven ? { verified: 'failed' as const } : {}) };
        }
        if (t.status === 'warnings') return { state: 'warn', summary: `verify with ${t.message}: ${counts}` };
        return { state: 'ok', summary: `verify ok: ${counts}`, verified: 'ok' };
      }),
  },
  /**
   * PBS skips what it verified before (a snapshot that failed stays failed,
   * unread), so only this list says whether the whole datastore is proven sound.
   */
  'pbs-verify-states': {
    verifies: always,
    listing: true,
    reader: (output) =>
      collecting((stdout, stderr, code) => {
        const r = parseSnapshotList(stdout, stderr, code);
        if (!r.ok) return unreadable(`snapshots of ${output.store}`, r);
        const done = r.value.filter((x) => !x.partial);
        const path = (x: (typeof done)[number]) => `${x.type}/${x.id}/${epochToIsoSeconds(x.timeSec)}`;
        const failed = done.filter((x) => x.verification?.state === 'failed');
        const never = done.filter((x) => !x.verification || x.verification.state === 'none');
        if (failed.length > 0) {
          const list = failed.slice(0, 3).map(path).join(', ') + (failed.length > 3 ? ', …' : '');
          return { state: 'failed', verified: 'failed', summary: `${plural(failed.length, 'snapshot')} of ${output.store} failed verification: ${list}` };
        }
        if (never.length > 0) return { state: 'warn', summary: `${plural(never.length, 'snapshot')} of ${output.store} not verified yet (newest ${path(never.at(-1)!)})` };
        if (done.length === 0) return { state: 'warn', summary: `${output.store} holds no finished snapshot` };
        return { state: 'ok', verified: 'ok', summary: `every snapshot of ${output.store} verified ok (${done.length})` };
      }, () => true, 1_000_000),
  },
};
