/**
 * A login as slow as one that sources pyenv: bash started by sshd reads
 * ~/.bashrc even for `ssh host cmd` (Debian builds it so when SSH_CLIENT is
 * set), so every session, worker shells included, pays this rc file before its
 * command runs. It takes a lock and sleeps while holding it, so sessions
 * started together queue, as they do on `pyenv rehash`'s lock. Each session
 * logs when its rc file began and ended, with the host (STRATA_TEST_HOST in
 * its environment) and the tag written last with `setTag`.
 *
 *   const login = slowLogin(dir, { sleepSec: 0.7 });
 *   const sshd = await startSshd({ env: login.env('pve1') });
 *
 * The lock is released when the rc file ends (a `{ ...; } 9>lock` group, not
 * `exec 9>lock`): a descriptor left open would pass the lock on to the `exec sh`
 * that follows and block every later session for as long as that shell lives.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SessionStart {
  readonly host: string;
  readonly tag: string;
  readonly pid: number;
  /** When the rc file began, epoch ms. */
  readonly startMs: number;
  /** When it ended (the shell went on to its command), epoch ms; undefined while it runs or if it was killed. */
  readonly readyMs: number | undefined;
}

export interface SlowLogin {
  /** The HOME holding .bashrc, its lock and its log. Sessions of every sshd given this HOME share the lock. */
  readonly home: string;
  /** Session environment for startSshd: this HOME, and the host name the log records. */
  env(host: string): Record<string, string>;
  /** Sessions started from now on log this tag (e.g. the round of a test). */
  setTag(tag: string): void;
  /** Every session logged so far, in order of start. */
  sessions(): SessionStart[];
}

export function slowLogin(dir: string, opts: { sleepSec: number; extraRc?: string }): SlowLogin {
  const home = join(dir, 'slow-home');
  mkdirSync(home, { recursive: true });
  const log = join(home, 'sessions.log');
  const tagFile = join(home, 'tag');
  writeFileSync(log, '');
  writeFileSync(tagFile, '-\n');
  writeFileSync(
    join(home, '.bashrc'),
    [
      '__tag=$(cat "$HOME/tag" 2>/dev/null)',
      `printf 'start %s %s %s %s\\n' "\${STRATA_TEST_HOST:-?}" "\${__tag:--}" "$$" "$(date +%s%N)" >> "$HOME/sessions.log"`,
      `{ flock 9; sleep ${opts.sleepSec}; } 9>>"$HOME/login.lock"`,
      `printf 'ready %s %s %s %s\\n' "\${STRATA_TEST_HOST:-?}" "\${__tag:--}" "$$" "$(date +%s%N)" >> "$HOME/sessions.log"`,
      opts.extraRc ?? '',
      '',
    ].join('\n'),
  );
  return {
    home,
    env: (host) => ({ HOME: home, STRATA_TEST_HOST: host }),
    setTag: (tag) => writeFileSync(tagFile, `${tag}\n`),
    sessions: () => {
      const byKey = new Map<string, { host: string; tag: string; pid: number; startMs: number; readyMs: number | undefined }>();
      for (const line of readFileSync(log, 'utf8').split('\n')) {
        const [what, host, tag, pid, ns] = line.split(' ');
        if (!what || !host || !tag || !pid || !ns) continue;
        const key = `${host} ${tag} ${pid}`;
        const ms = Number(BigInt(ns) / 1000n) / 1000;
        if (what === 'start') byKey.set(key, { host, tag, pid: Number(pid), startMs: ms, readyMs: undefined });
        else if (what === 'ready') {
          const s = byKey.get(key);
          if (s) s.readyMs = ms;
        }
      }
      return [...byKey.values()].sort((a, b) => a.startMs - b.startMs);
    },
  };
}

/** The most sessions whose rc files ran at the same moment. A session without an end counts as running until now. */
export function mostAtOnce(sessions: readonly SessionStart[]): number {
  const events = sessions.flatMap((s) => [
    { at: s.startMs, d: 1 },
    { at: s.readyMs ?? Infinity, d: -1 },
  ]);
  // At equal times an end comes first: a session ending as another begins did not overlap it.
  events.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of events) most = Math.max(most, (now += e.d));
  return most;
}
