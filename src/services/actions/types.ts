/**
 * Actions change or verify what is on a host: run a layer's job, verify its
 * copies. An action is planned first (the exact commands and hosts, shown to
 * the operator before anything runs) and executed only after confirmation.
 * The TUI's jobs slice and any future CLI use these types; the planners and
 * the executor live beside this file.
 */
import type { Command } from '../../transport/command.js';

export type ActionKind = 'run' | 'verify';

export interface ActionRequest {
  readonly kind: ActionKind;
  readonly layerId: string;
  /** Limit to one workload where the tool can (vzdump of one guest, PBS verify of one group). */
  readonly assetId?: string;
  /** restic check --read-data-subset (e.g. "5%", "1/10"). */
  readonly readDataSubset?: string;
}

export interface PlanStep {
  /** Inventory host name the command runs on. */
  readonly host: string;
  readonly command: Command;
  /** What this step does, in the operator's words. */
  readonly description: string;
  /** Stream this step's output into the job screen (long-running jobs). */
  readonly streams?: boolean;
}

export interface ActionPlan {
  readonly id: string;
  readonly request: ActionRequest;
  /** "Run vzdump of pve1-dump (all guests of job backup-1)". */
  readonly title: string;
  readonly steps: readonly PlanStep[];
  /** True when a step writes to a host (every `run`; a verify that only reads is false). */
  readonly changesHost: boolean;
  /** Layers to re-read when the action ends. */
  readonly affectedLayers: readonly string[];
}

export type ActionState = 'ok' | 'warning' | 'failed' | 'cancelled';

export interface ActionOutcome {
  readonly state: ActionState;
  /** Exit code of the last step that ran. */
  readonly exitCode: number | null;
  /** One line for the operator: "verify ok: 42 snapshots", "restic check: repository contains errors". */
  readonly summary: string;
  /** For verifies: whether the copies were proven sound. */
  readonly verified?: 'ok' | 'failed';
  readonly durationMs: number;
}

export interface OutputLine {
  readonly step: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}
