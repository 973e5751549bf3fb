/**
 * Every parser, fed every fixture of every tool, its truncations, byte noise
 * and bit flips, with every exit code a tool uses: it answers with a Result,
 * never a throw; and the bad outputs (HTML page, truncated JSON, noise, ...)
 * are errors, never values a layer could show as healthy.
 */
import { describe, expect, it } from 'vitest';
import { parseArchiveDirectory, parseArchiveList } from '../../src/adapters/config-backup/parse.js';
import { parseDatastoreStatus, parseSnapshotList, parseTaskList } from '../../src/adapters/pbs/parse.js';
import {
  parseBackupJobs,
  parseGuestSnapshots,
  parseGuests,
  parseNotBackedUp,
  parseStorageContent,
  parseStorageStatus,
  parseTaskLog,
  parseTasks,
} from '../../src/adapters/pve/parse.js';
import {
  parseAgentPing,
  parseGuestConfig,
  parseGuestStatus,
  parseGuestTask,
  parseNextId,
  parseTaskLogWithEnd,
  parseTaskStatus,
} from '../../src/adapters/pve/guest-parse.js';
import { parseNodeStorages, parseStorageConfig } from '../../src/adapters/pve/storage-config.js';
import { restoreFold } from '../../src/adapters/pve/restore-progress.js';
import { foldOutput } from '../../src/adapters/shared/line-fold.js';
import { parseAbout, parseLsjson } from '../../src/adapters/rclone/parse.js';
import {
  parseBackupOutput,
  parseCheckOutput,
  parseForgetOutput,
  parseResticSnapshots,
} from '../../src/adapters/restic/parse.js';
import type { Parser } from '../../src/adapters/shared/run.js';
import {
  parseZfsGetSnapshots,
  parseZfsSnapshotList,
  parseZpoolList,
  parseZpoolStatus,
} from '../../src/adapters/zfs/parse.js';
import { rng } from '../helpers/nasty-strings.js';
import { allFixtures, fixture } from '../helpers/fixtures.js';

const PARSERS: Record<string, Parser<unknown>> = {
  parseGuests,
  parseGuestSnapshots,
  parseStorageContent,
  parseBackupJobs,
  parseTasks,
  parseTaskLog,
  parseNotBackedUp,
  parseStorageStatus,
  parseNextId,
  parseGuestConfig,
  parseGuestStatus,
  parseTaskStatus,
  parseTaskLogWithEnd,
  parseAgentPing,
  parseGuestTask,
  parseStorageConfig,
  parseNodeStorages,
  restoreFold: (stdout, stderr, exitCode) => foldOutput(restoreFold(), stdout, stderr, exitCode),
  parseSnapshotList,
  parseDatastoreStatus,
  parseTaskList,
  parseZfsSnapshotList,
  parseZfsGetSnapshots,
  parseZpoolList,
  parseZpoolStatus,
  parseResticSnapshots,
  parseBackupOutput,
  parseForgetOutput,
  parseCheckOutput,
  parseLsjson,
  parseAbout,
  parseArchiveList,
  parseArchiveDirectory: parseArchiveDirectory('/tmp/fx/empty-dir-nope'),
};

/** Listings where empty output with exit 0 truly means "nothing there" (no points, so never healthy). */
const EMPTY_MEANS_NONE = new Set(['parseZfsSnapshotList', 'parseZfsGetSnapshots', 'parseZpoolList', 'parseArchiveList', 'parseArchiveDirectory']);

/** Commands that print nothing when they succeed (restore-formats §0): their exit code is the answer. */
const EXIT_CODE_IS_THE_ANSWER = new Set(['parseAgentPing', 'parseGuestTask']);

const EXIT_CODES = [0, 1, 2, 3, 10, 11, 12, 127, 130, 255];

function expectResult(r: unknown, what: string): void {
  if (typeof r !== 'object' || r === null || typeof (r as { ok?: unknown }).ok !== 'boolean') {
    throw new Error(`${what}: not a Result: ${String(r)}`);
  }
  const res = r as { ok: boolean; error?: { kind?: unknown; message?: unknown } };
  if (!res.ok && (typeof res.error?.kind !== 'string' || typeof res.error.message !== 'string' || res.error.message === '')) {
    throw new Error(`${what}: an error without kind or message`);
  }
}

function feed(name: string, parse: Parser<unknown>, stdout: string, stderr: string, exitCode: number, what: string): void {
  let r: unknown;
  try {
    r = parse(stdout, stderr, exitCode);
  } catch (e) {
    throw new Error(`${name} threw on ${what}: ${(e as Error).message}`);
  }
  expectResult(r, `${name} on ${what}`);
}

function noise(random: () => number, n: number): string {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = Math.floor(random() * 256);
  return bytes.toString('utf8');
}

describe('parsers never throw', () => {
  const fixtures = allFixtures();

  it('answer every fixture of every tool with every exit code', () => {
    for (const [name, parse] of Object.entries(PARSERS)) {
      for (const f of fixtures) {
        for (const code of EXIT_CODES) feed(name, parse, f.stdout, f.stderr, code, `${f.tool}/${f.name} exit ${code}`);
        feed(name, parse, f.stderr, f.stdout, f.exitCode, `${f.tool}/${f.name} with streams swapped`);
      }
    }
  });

  it('answer truncations and bit flips of every fixture', () => {
    const random = rng(42);
    for (const [name, parse] of Object.entries(PARSERS)) {
      for (const f of fixtures) {
        const cuts = new Set<number>([0, 1, f.stdout.length - 1]);
        for (let i = 0; i < 12; i++) cuts.add(Math.floor(random() * f.stdout.length));
        for (const cut of cuts) feed(name, parse, f.stdout.slice(0, cut), f.stderr.slice(0, cut), 0, `${f.tool}/${f.name} cut at ${cut}`);
        const chars = [...f.stdout];
        for (let flips = 0; flips < 4 && chars.length > 0; flips++) {
          chars[Math.floor(random() * chars.length)] = String.fromCharCode(Math.floor(random() * 128));
        }
        feed(name, parse, chars.join(''), f.stderr, 0, `${f.tool}/${f.name} with flipped characters`);
      }
    }
  });

  it('answer random bytes and nasty JSON values', () => {
    const random = rng(7);
    const values = ['[', ']', '{}', '[]', 'null', 'true', '0', '""', '[null]', '[{}]', '[[]]', '{"a":', '\u0000', '[{"time":null}]', '[1e999]', '[{"vmid":1e999}]'];
    for (const [name, parse] of Object.entries(PARSERS)) {
      for (let i = 0; i < 150; i++) {
        const code = EXIT_CODES[Math.floor(random() * EXIT_CODES.length)]!;
        feed(name, parse, noise(random, Math.floor(random() * 300)), noise(random, Math.floor(random() * 60)), code, `noise #${i}`);
      }
      for (const v of values) feed(name, parse, v, '', 0, JSON.stringify(v));
    }
  });
});

describe('bad output is an error, never a reading', () => {
  const bad = ['binary-noise', 'html-error-page', 'truncated-json', 'json-null', 'json-object-not-list', 'usage-text', 'empty'];

  for (const [name, parse] of Object.entries(PARSERS)) {
    it(`${name} refuses each bad output`, () => {
      for (const b of bad) {
        if (b === 'empty' && EMPTY_MEANS_NONE.has(name)) continue;
        const f = fixture('bad', b);
        if (EXIT_CODE_IS_THE_ANSWER.has(name)) {
          const failed = parse(f.stdout, f.stderr, 255);
          const claim = failed.ok ? (failed.value as { done?: boolean; answered?: boolean }) : {};
          expect(claim.done ?? claim.answered ?? false, `${name} read bad/${b} with exit 255 as success`).toBe(false);
          continue;
        }
        const r = parse(f.stdout, f.stderr, f.exitCode);
        expect(r.ok, `${name} accepted bad/${b}`).toBe(false);
      }
    });
  }

  it('names an HTML page as such', () => {
    const f = fixture('bad', 'html-error-page');
    const r = parseSnapshotList(f.stdout, '', 0);
    expect(r.ok ? '' : r.error.message).toMatch(/HTML\/XML page instead of JSON/);
  });
});
