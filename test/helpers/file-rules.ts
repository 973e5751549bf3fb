/**
 * Driving one kind's file rule (src/kinds/<kind>/files.ts) on its own: a
 * FileContext over fake runners (one a host) with the engine's tree cache,
 * and a rule's drafts turned into the sources browse and plan take, the way
 * the engine does (files-sources.ts), so a test reads like the engine's use.
 */
import type { Layer } from '../../src/domain/inventory.js';
import type { WantedPoint } from '../../src/domain/restore/types.js';
import type { Result } from '../../src/domain/types.js';
import type { FileTree } from '../../src/adapters/shared/file-tree.js';
import type { FileContext, FileDraft, InternalSource } from '../../src/kinds/files-rule.js';
import type { FileTarget } from '../../src/kinds/files-types.js';
import { fileCandidates } from '../../src/services/restore/files-sources.js';
import type { FakeRunner } from './fake-runner.js';
import { expect } from 'vitest';
import { RestoreError } from '../../src/kinds/restore-types.js';

export interface TestContext extends FileContext {
  /** How many times a whole tree was read (the cache holds the rest). */
  readonly treeReads: () => number;
}

/** A context whose hosts are these fake runners (any other host is a test error), env and clock as given. */
export function fileContext(hosts: Readonly<Record<string, FakeRunner>>, opts: { env?: Readonly<Record<string, string>>; nowSec?: number } = {}): TestContext {
  const trees = new Map<string, Promise<Result<FileTree>>>();
  let reads = 0;
  return {
    runner(host) {
      const r = hosts[host];
      if (!r) throw new Error(`no fake runner for host ${host}`);
      return r;
    },
    lookupEnv: (n) => opts.env?.[n],
    nowSec: () => opts.nowSec ?? 1_770_000_000,
    tree(id, read) {
      let t = trees.get(id);
      if (!t) {
        reads++;
        t = read();
        trees.set(id, t);
        void t.then((r) => {
          if (!r.ok) trees.delete(id);
        });
      }
      return t;
    },
    treeReads: () => reads,
  };
}

/** The sources the engine would keep for these drafts of one layer (ranked, with their ids). */
export function internalSources(layer: Layer, target: FileTarget, drafts: readonly FileDraft[], opts: { wanted?: WantedPoint; nowSec?: number } = {}): InternalSource[] {
  return fileCandidates({
    target,
    wanted: opts.wanted ?? { kind: 'latest' },
    drafts: drafts.map((d) => ({ ...d, layer })),
    measured: [],
    proven: () => null,
    nowSec: opts.nowSec ?? 1_770_000_000,
  });
}

/** Every argv element of a plan's commands, for "no secret in argv". */
export function argvOf(parts: { readonly steps: readonly { readonly command: { readonly argv: readonly string[] } }[]; readonly checks: readonly { readonly command: { readonly argv: readonly string[] } }[] }): string[] {
  return [...parts.steps, ...parts.checks].flatMap((s) => s.command.argv);
}

/** What a promise rejected with, which must be a RestoreError (the rules' refusals). */
export async function refusal(p: Promise<unknown>): Promise<RestoreError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RestoreError);
  return e as RestoreError;
}
