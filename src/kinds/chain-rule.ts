/**
 * How a kind's layer brings back a lost PBS datastore it carries (`KindSpec.chain`,
 * chain-commands.md 1-3): the tool it needs on the PBS host H, what is
 * restored (restic's newest snapshot of the directory; an rclone cold copy
 * thawed first), and the command that writes the directory on H. The DR
 * engine (src/services/dr/rebuild-chain.ts) runs those and the steps every
 * chain shares (owner, datastore, ACL, the node's storage).
 */
import type { LayerKind, SecretRef } from '../domain/inventory-file.js';
import type { Result } from '../domain/types.js';
import type { Command } from '../transport/command.js';
import type { Runner } from '../transport/runner.js';
import type { LayerOf } from './planner-context.js';

/** The chain as a kind sees it (the engine's saved ChainRun has these fields). */
export interface ChainTarget {
  /** H. */
  readonly host: string;
  /** The datastore directory as the copy carries it (`/mnt/usb/pbs`). */
  readonly carriedPath: string;
  /** Where restic restores to; the datastore directory under it. */
  readonly dir: string;
  readonly store: string;
  readonly cold: boolean;
  readonly snapshot: { readonly id: string; readonly timeSec: number } | null;
  readonly thaw: { readonly requestedAtSec: number; readonly objects: number } | null;
}

export interface ChainContext {
  runner(host: string): Runner;
  lookupEnv(name: string): string | undefined;
  /** A secret's value, read through its reference on `host` (read once per run). */
  readSecret(ref: SecretRef, host: string, what: string): Promise<string>;
  nowSec(): number;
}

/** What the source phase found: done (with what to save), or why the chain waits or failed. */
export type ChainSource =
  | { readonly state: 'done'; readonly detail: string; readonly change?: Partial<Pick<ChainTarget, 'snapshot' | 'thaw'>> }
  | { readonly state: 'blocked' | 'failed'; readonly detail: string; readonly change?: Partial<Pick<ChainTarget, 'snapshot' | 'thaw'>> };

export interface ChainStep {
  readonly host: string;
  readonly command: Command;
  readonly description: string;
}

export interface ChainRule<K extends LayerKind> {
  /** The program H needs (`restic`, `rclone`): `apt install` it when missing. */
  readonly tool: string;
  versionCommand(): Command;
  parseVersion(stdout: string, stderr: string, exitCode: number): Result<{ readonly text: string }>;
  /** The phases' words for the operator: what the source phase and the restore do. */
  words(layer: LayerOf<K>, cold: boolean): { readonly source: string; readonly restore: string };
  /** Phase 2; `remember` saves what must survive a kill before the phase ends (a thaw asked). */
  source(layer: LayerOf<K>, target: ChainTarget, ctx: ChainContext, remember: (change: Partial<Pick<ChainTarget, 'thaw'>>) => Promise<void>): Promise<ChainSource>;
  /** Phase 3: the command that writes the datastore directory on H, with the copy's secrets. */
  restore(layer: LayerOf<K>, target: ChainTarget, ctx: ChainContext): Promise<ChainStep>;
  /** The thaw the source phase asks for a copy in this storage class, with its bound; null (or absent) when it is read at once. */
  thawWait?(storageClass: string): { readonly priority: string; readonly wait: string; readonly withinSeconds: number } | null;
  /** Where a failed restore leaves things, in words (a frozen object: wait for the thaw). */
  restoreFailure?(summary: string): string | undefined;
  /** Phases 1-3 as the operator reads them before saying yes (secrets by name). */
  shown(layer: LayerOf<K>, target: ChainTarget): ChainStep[];
}
