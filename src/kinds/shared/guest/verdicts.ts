/**
 * How the steps of a guest restore are read: the restore itself (qmrestore,
 * pct restore) through restoreFold with its progress, the guest tasks around
 * it (rollback, clone, start, stop, destroy, set), and the read of a restored
 * guest's NICs that yields one `link_down=1` step per NIC.
 */
import { setLinkDownCommand } from '../../../adapters/pve/guest-commands.js';
import { parseGuestConfig, parseGuestTask } from '../../../adapters/pve/guest-parse.js';
import { restoreFold, type RestoreProgress } from '../../../adapters/pve/restore-progress.js';
import { excerpt } from '../../../adapters/shared/json.js';
import { formatBytes } from '../../../domain/format.js';
import type { PlanStep, StepOutput, StepProgress } from '../../action-types.js';
import { collecting, folding, never, plural, unreadable, type StepOutputSpecs, type StepVerdict } from '../step-reading.js';
import { cli, explainRefusal, leftoverText, noun } from './words.js';

export type GuestOutput = Extract<StepOutput, { readonly kind: 'guest-restore' | 'guest-task' | 'guest-links-down' }>;

export function stepProgress(p: RestoreProgress): Omit<StepProgress, 'step'> {
  const scope = p.format === 'pbs' ? 'disk' : p.percent !== undefined ? 'whole' : 'none';
  return {
    ...(p.format ? { format: p.format } : {}),
    percent: p.percent ?? null,
    scope,
    ...(p.disk ? { disk: p.disk } : {}),
    disksDone: p.disksDone,
    bytesRead: p.bytesRead,
    ...(p.totalBytes !== undefined ? { totalBytes: p.totalBytes } : {}),
  };
}

export const guestVerdicts: StepOutputSpecs<GuestOutput> = {
  'guest-restore': {
    verifies: never,
    reader: (o) => {
      const fold = restoreFold();
      let last: RestoreProgress | undefined;
      let shown: Omit<StepProgress, 'step'> | undefined;
      const reader = folding(fold, (r): StepVerdict => {
        const tool = o.type === 'lxc' ? 'pct restore' : 'qmrestore';
        if (!r.ok) return unreadable(tool, r);
        const v = r.value;
        const n = `${noun(o.type)} ${o.vmid}`;
        if (v.outcome === 'restored') {
          const warn = v.warningCount > 0 || v.warnings.length > 0;
          const size = v.bytesRead > 0 ? ` (${formatBytes(v.bytesRead)} read)` : '';
          return { state: warn ? 'warn' : 'ok', summary: `${tool}: ${n} restored${size}${warn ? `, ${plural(Math.max(v.warningCount, v.warnings.length), 'warning')}${v.warnings[0] ? `: ${excerpt(v.warnings[0], 120)}` : ''}` : ''}` };
        }
        if (v.outcome === 'refused' && v.refusal) {
          return { state: 'failed', refused: true, summary: `${tool} refused: ${explainRefusal(v.refusal, o.type, o.vmid)}` };
        }
        const left = leftoverText(v.leftover, { type: o.type, vmid: o.vmid, overwrites: o.overwrites, assetId: o.assetId });
        const why = v.refusal ? explainRefusal(v.refusal, o.type, o.vmid) : excerpt(v.detail ?? v.error ?? 'failed', 240);
        return { state: 'failed', summary: `${tool} of ${n} failed: ${why}${left ? `; ${left}` : ''}`, ...(left ? { leftover: left } : {}) };
      });
      return {
        ...reader,
        progress() {
          if (fold.progress !== last) {
            last = fold.progress;
            shown = stepProgress(last);
          }
          return shown;
        },
      };
    },
  },
  'guest-task': {
    verifies: never,
    reader: (o) =>
      collecting((stdout, stderr, code) => {
        const r = parseGuestTask(stdout, stderr, code);
        if (!r.ok) return unreadable(o.what, r);
        const v = r.value;
        if (v.done) return { state: v.warningCount > 0 ? 'warn' : 'ok', summary: `${o.what}: done${v.warningCount > 0 ? ` with ${plural(v.warningCount, 'warning')}` : ''}` };
        if (v.refusal) return { state: 'failed', refused: true, summary: `${o.what} refused: ${explainRefusal(v.refusal, o.type, o.vmid)}` };
        return { state: 'failed', summary: `${o.what} failed: ${v.error ?? 'no reason given'}` };
      }),
  },
  'guest-links-down': {
    verifies: never,
    listing: true,
    reader: (o) =>
      collecting((stdout, stderr, code) => {
        const r = parseGuestConfig(stdout, stderr, code);
        if (!r.ok) return unreadable(`config of ${noun(o.type)} ${o.vmid}`, r);
        const followUp: PlanStep[] = [];
        for (const nic of r.value.nets) {
          if (nic.linkDown) continue;
          try {
            followUp.push({
              host: o.host,
              command: setLinkDownCommand(o.type, o.vmid, nic.index, nic.value),
              description: `cut the link of ${nic.key} of ${noun(o.type)} ${o.vmid} (link_down=1, everything else kept)`,
              output: { kind: 'guest-task', what: `${cli(o.type)} set ${o.vmid} --${nic.key}`, type: o.type, vmid: o.vmid },
            });
          } catch (e) {
            return { state: 'failed', summary: `${nic.key} of ${noun(o.type)} ${o.vmid} cannot be cut off: ${e instanceof Error ? e.message : String(e)}` };
          }
        }
        const down = r.value.nets.length - followUp.length;
        const summary = r.value.nets.length === 0 ? `${noun(o.type)} ${o.vmid} has no network device` : `${plural(r.value.nets.length, 'network device')} of ${noun(o.type)} ${o.vmid}: ${followUp.length} to cut${down > 0 ? `, ${down} already down` : ''}`;
        return { state: 'ok', summary, followUp };
      }, () => true, 100_000),
  },
};
