/**
 * The step readers of every tool, joined: one spec per step output kind, so
 * a new output kind without a reader does not compile. Each tool's readers
 * sit beside its planner.
 */
import type { Command } from '../transport/command.js';
import type { StepOutput } from './action-types.js';
import { configBackupVerdicts } from './config-backup/verdicts.js';
import { pbsVerdicts } from './pbs/verdicts.js';
import { rcloneVerdicts } from './rclone/verdicts.js';
import { resticVerdicts } from './restic/verdicts.js';
import { guestVerdicts } from './shared/guest/verdicts.js';
import { defaultReader, type StepOutputSpec, type StepOutputSpecs, type StepReader } from './shared/step-reading.js';
import { vzdumpVerdicts } from './vzdump/verdicts.js';
import { zfsVerdicts } from './zfs-snapshots/verdicts.js';

export type { StepReader, StepVerdict, VerdictState } from './shared/step-reading.js';

const STEP_OUTPUTS: StepOutputSpecs<StepOutput> = {
  ...vzdumpVerdicts,
  ...pbsVerdicts,
  ...resticVerdicts,
  ...rcloneVerdicts,
  ...zfsVerdicts,
  ...configBackupVerdicts,
  ...guestVerdicts,
};

const specOf = (output: StepOutput): StepOutputSpec<StepOutput> => STEP_OUTPUTS[output.kind] as StepOutputSpec<StepOutput>;

/** The reader of a step's output; without an output kind, exit 0 is ok and anything else failed. */
export function readerFor(output: StepOutput | undefined, cmd: Command, now: () => number): StepReader {
  return output ? specOf(output).reader(output, cmd, now) : defaultReader(cmd);
}

/** How far a step is, where its reader can tell (a restore's percent). */
export type { StepProgress } from './action-types.js';

/** Whether a step of this kind proves (or disproves) that copies are sound. */
export function verifies(output: StepOutput | undefined): boolean {
  return output ? specOf(output).verifies(output) : false;
}

/** Step outputs that are listings for a reader, not text for an operator. */
export function isListing(output: StepOutput | undefined): boolean {
  return output ? (specOf(output).listing ?? false) : false;
}
