/**
 * Recorded tool outputs under test/fixtures/<tool>/: `<case>.stdout`, and when
 * not empty/zero `<case>.stderr` and `<case>.exit`. Names say the command and
 * the case (`snapshots-0.14-locked`); "zfs-fuse", "1.60", "0.14", "gnu" mark outputs
 * recorded from the real tool on this machine.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FakeReply } from './fake-runner.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface Fixture {
  readonly tool: string;
  readonly name: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export function fixture(tool: string, name: string): Fixture {
  const base = `${FIXTURES_DIR}${tool}/${name}`;
  if (!existsSync(`${base}.stdout`)) throw new Error(`no fixture ${tool}/${name}.stdout`);
  const read = (ext: string) => (existsSync(`${base}.${ext}`) ? readFileSync(`${base}.${ext}`, 'utf8') : '');
  const exit = read('exit').trim();
  return { tool, name, stdout: read('stdout'), stderr: read('stderr'), exitCode: exit === '' ? 0 : Number(exit) };
}

/** The fixture as a fake runner's reply. */
export function reply(tool: string, name: string): FakeReply {
  const f = fixture(tool, name);
  return { stdout: f.stdout, stderr: f.stderr, exitCode: f.exitCode };
}

/** Every fixture of every tool. */
export function allFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const tool of readdirSync(FIXTURES_DIR).sort()) {
    for (const file of readdirSync(`${FIXTURES_DIR}${tool}`).sort()) {
      if (file.endsWith('.stdout')) out.push(fixture(tool, file.slice(0, -'.stdout'.length)));
    }
  }
  return out;
}
