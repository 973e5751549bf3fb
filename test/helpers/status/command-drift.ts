/**
 * Proof that `strata commands` can never drift from reality: every command the
 * collector really ran on a host (recorded through a wrapping runner) must be
 * one of the commands `strata commands --json` lists for that host, argv by
 * argv (`{vmid}` matching a guest id, `{node}` a node name, `{upid}` a task id), with the same
 * environment and the same secret names and sources.
 */
import type { HostCommands, ListedCommand } from '../../../src/cli/commands-list.js';
import type { CollectorDeps } from '../../../src/services/collector.js';
import type { Command } from '../../../src/transport/command.js';
import type { Runner } from '../../../src/transport/runner.js';

export interface RecordedCommand {
  readonly host: string;
  readonly cmd: Command;
}

/** The same collector dependencies, with every command run on any host appended to `log`. */
export function recording(deps: CollectorDeps, log: RecordedCommand[]): CollectorDeps {
  const wrapped = new Map<string, Runner>();
  return {
    ...deps,
    runnerFor(host) {
      let r = wrapped.get(host);
      if (!r) {
        const inner = deps.runnerFor(host);
        r = {
          host: inner.host,
          run: (cmd, opts) => {
            log.push({ host, cmd });
            return inner.run(cmd, opts);
          },
          stream: (cmd, opts) => {
            log.push({ host, cmd });
            return inner.stream(cmd, opts);
          },
          close: () => inner.close(),
        };
        wrapped.set(host, r);
      }
      return r;
    },
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function argPattern(listed: string): RegExp {
  const body = escape(listed)
    .replace(/\\\{vmid\\\}/g, '[1-9][0-9]{2,8}')
    .replace(/\\\{node\\\}/g, '[A-Za-z0-9][A-Za-z0-9.-]*')
    .replace(/\\\{upid\\\}/g, 'UPID:[A-Za-z0-9.-]+:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:[a-z0-9_]+:[^:/\\s]*:[^:/\\s]+:');
  return new RegExp(`^${body}$`);
}

const sorted = (o: object) => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

export function listedMatches(listed: ListedCommand, cmd: Command): boolean {
  return (
    listed.argv.length === cmd.argv.length &&
    listed.argv.every((a, i) => argPattern(a).test(cmd.argv[i]!)) &&
    sorted(listed.env) === sorted(cmd.env ?? {}) &&
    JSON.stringify([...listed.secrets].sort()) === JSON.stringify(Object.keys(cmd.secrets ?? {}).sort()) &&
    sorted(listed.secretsFrom) === sorted(cmd.secretsFrom ?? {})
  );
}

/** The recorded commands that `strata commands` does not list for their host (empty when nothing drifted). */
export function unlisted(recorded: readonly RecordedCommand[], listing: readonly HostCommands[]): string[] {
  const out: string[] = [];
  for (const r of recorded) {
    const listed = listing.find((h) => h.host === r.host)?.commands ?? [];
    if (!listed.some((l) => listedMatches(l, r.cmd))) {
      out.push(`${r.host}: ${JSON.stringify({ argv: r.cmd.argv, env: r.cmd.env, secrets: Object.keys(r.cmd.secrets ?? {}), secretsFrom: r.cmd.secretsFrom })}`);
    }
  }
  return [...new Set(out)];
}
