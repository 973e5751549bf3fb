/**
 * Everything Strata does with a layer of one kind, in one record: how it is
 * read (and the commands reading may run), what the operator may do with it
 * and why not, and how those actions are planned. Each kind's record lives
 * in src/kinds/<kind>/index.ts; registry.ts joins them in a
 * `Record<LayerKind, KindSpec>`, so the compiler names what a new kind lacks.
 * The pure half (labels, matrix column, hosts it needs) is the domain's
 * LAYER_KIND_INFO. How a step's output is judged is the step readers'
 * registry (step-readers.ts), keyed by the step's output kind.
 */
import type { LayerFile, LayerKind } from '../domain/inventory-file.js';
import type { LayerObservation, Result } from '../domain/types.js';
import type { Command } from '../transport/command.js';
import type { ActionKind } from './action-types.js';
import type { LayerOf, PlanDraft, PlannerContext } from './planner-context.js';
import type { ReaderContext } from './reader-context.js';
import type { RestoreContext, RestoreDraft } from './restore-types.js';
import type { FileRule } from './files-rule.js';
import type { ChainRule } from './chain-rule.js';
import type { RestoreMethod, SourceStep } from '../domain/restore/types.js';
import type { PveStorageEntry } from '../adapters/pve/storage-config.js';
import type { HostFile } from '../domain/inventory-file.js';

/** A layer as the inventory file states it, of one kind. */
export type LayerFileOf<K extends LayerKind> = Extract<LayerFile, { readonly kind: K }>;

/** A probe and the host it runs on (a replication also reads its source host). */
export interface ProbeCommand extends Command {
  readonly host: string;
}

/** What one action of a kind is, before any probe: its words and whether it writes. */
export interface ActionRule<K extends LayerKind> {
  /** "run restic check". */
  readonly label: string;
  /**
   * True when the action writes to a host. Every run does; a verify only
   * where it changes what is stored (PBS verify rewrites manifests). With
   * --read-only exactly these are not offered.
   */
  readonly changesHost: boolean;
  /** A workload (a guest) must be chosen first. */
  readonly needsAsset?: boolean;
  /** Why this layer cannot have the action at all (not a mode or a busy job), or null. */
  notOffered?(layer: LayerFileOf<K>): string | null;
}

export interface KindSpec<K extends LayerKind> {
  /** Reads the layer once. Never rejects: every failure is an error in the observation. */
  read(ctx: ReaderContext, layer: LayerFileOf<K>): Promise<LayerObservation>;
  /**
   * Every command `read` may run, with `{vmid}` where an argument is found at
   * run time (`strata commands` prints them so an operator can restrict the key).
   */
  probes(layer: LayerFileOf<K>, node: string): ProbeCommand[];
  readonly actions: { readonly [A in ActionKind]: ActionRule<K> };
  /** The exact steps of a run or a verify, found with read-only probes. */
  plan(layer: LayerOf<K>, ctx: PlannerContext): Promise<Result<PlanDraft>>;
  /** How a point of this layer becomes a guest again; absent where Strata does not restore from it (yet). */
  readonly restore?: RestoreRule<K>;
  /** How its layers give files and datasets back (files-rule.ts); absent where they hold none Strata restores. */
  readonly files?: FileRule<K>;
  /** How a copy of a lost PBS datastore's directory is brought back onto a PBS host (chain-rule.ts); absent where it cannot carry one. */
  readonly chain?: ChainRule<K>;
}

export interface RestoreRule<K extends LayerKind> {
  /** What this layer's points restore by: an archive's restore, a snapshot's rollback or clone. */
  readonly methods: readonly RestoreMethod[];
  /** Preflight probes and the exact plan, for the point, method and target the engine asks; only reads. */
  plan(layer: LayerOf<K>, ctx: RestoreContext): Promise<Result<RestoreDraft>>;
  /**
   * Why a point of this layer cannot be restored onto the target as things
   * are (no PBS storage entry on the node, archives on another node), with
   * the step that would be needed first; undefined when it can. Pure.
   */
  blocker?(layer: LayerOf<K>, where: RestoreWhere): { readonly why: string; readonly step?: SourceStep } | undefined;
}

/** Where a restore would go, as the sources list knows it before planning. */
export interface RestoreWhere {
  readonly targetHost?: string;
  readonly node?: string;
  readonly hosts: readonly HostFile[];
  /** The target node's storage.cfg, or why it could not be read. */
  readonly storageConfig?: Result<readonly PveStorageEntry[]>;
}

export type KindRegistry = { readonly [K in LayerKind]: KindSpec<K> };

/** Probes of the layer's own host. */
export const onHost = (layer: LayerFile, commands: readonly Command[]): ProbeCommand[] =>
  commands.map((c) => ({ ...c, host: layer.host }));
