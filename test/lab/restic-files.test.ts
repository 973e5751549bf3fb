/**
 * The lab's restic for file restores, read with Strata's restic adapter over
 * the lab's SSH: `version`, `ls` of a history snapshot (its files as they
 * were then), a directory at a time, and `restore` of chosen paths into the
 * docker host's files, in both forms: 0.17.3 (the lab's default: JSON
 * progress, JSON errors, exit 12) and 0.14 when the host is switched
 * (the restoring line only, text errors, exit 1 for everything).
 */
import { describe, expect, it } from 'vitest';
import { listSnapshotFiles, restore, version, type ResticAccess } from '../../src/adapters/restic/index.js';
import { RESTIC_014_FEATURES, resticFeatures } from '../../src/adapters/restic/version.js';
import type { Lab } from '../../src/lab/index.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
useLab({ scenario: 'healthy', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

const usb: ResticAccess = { repository: '/mnt/usb/restic', password: { file: '/root/.restic-pass' } };
const docker = () => lab.state.hosts.docker1!;
const runner = () => runners.get('docker1');
const newest = () => [...docker().resticRepos!['/mnt/usb/restic']!.snapshots].sort((a, b) => (a.time < b.time ? -1 : 1)).at(-1)!;
const as = async <T>(v: string | undefined, body: () => Promise<T>): Promise<T> => {
  docker().tools = v === undefined ? {} : { restic: v };
  try {
    return await body();
  } finally {
    docker().tools = {};
  }
};

describe('restic on the lab', () => {
  it('answers version in the form of the host version', async () => {
    const v17 = await version(runner());
    expect(v17.ok && resticFeatures(v17.value).jsonErrors).toBe(true);
    const v14 = await as('0.14.0', () => version(runner()));
    expect(v14.ok && resticFeatures(v14.value)).toEqual(RESTIC_014_FEATURES);
  });

  it('lists a history snapshot: the app files as they were, browsable a directory at a time', async () => {
    for (const v of [undefined, '0.14.0']) {
      const l = await as(v, () => listSnapshotFiles(runner(), usb, { snapshot: newest().id.slice(0, 8) }));
      if (!l.ok) throw new Error(l.error.message);
      expect(l.value.snapshot.paths).toEqual(['/srv/app']);
      expect(l.value.tree.list('/srv/app')?.map((e) => [e.name, e.kind])).toEqual([
        ['config', 'dir'],
        ['data', 'dir'],
        ['docker-compose.yml', 'file'],
      ]);
      const data = l.value.tree.list('/srv/app/data')!;
      expect(data.find((e) => e.name === 'db.sqlite')).toMatchObject({ kind: 'file', sizeBytes: 1.8e9 });
      expect(data.find((e) => e.name === 'db.sqlite')!.mtimeMs! / 1000).toBeLessThanOrEqual(Date.parse(newest().time) / 1000 + 1);
    }
    const dir = await listSnapshotFiles(runner(), usb, { snapshot: 'latest', dir: '/srv/app/config' });
    expect(dir.ok && dir.value.tree.list('/srv/app/config')?.map((e) => e.name)).toEqual(['app.yaml']);
    const missing = await listSnapshotFiles(runner(), usb, { snapshot: 'latest', dir: '/srv/nope' });
    expect(missing.ok ? null : missing.error.kind).toBe('not-found');
    const unknown = await as('0.14.0', () => listSnapshotFiles(runner(), usb, { snapshot: 'deadbeef' }));
    expect(unknown.ok ? null : unknown.error.kind).toBe('not-found');
  });

  it('0.17: restores chosen paths with JSON progress, and the files appear on the host', async () => {
    const seen: number[] = [];
    const r = await restore(runner(), usb, { snapshot: 'latest', target: '/restore/r17', include: ['/srv/app/config', '/srv/app/docker-compose.yml'] }, resticFeatures({ major: 0, minor: 17, patch: 3, text: '' }), {
      onProgress: (p) => seen.push(p.filesRestored),
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ outcome: 'restored', form: 'json', filesRestored: 2, totalFiles: 2, errorCount: 0 });
    expect(seen.length).toBeGreaterThan(1);
    const files = Object.keys(docker().fs.files).filter((p) => p.startsWith('/restore/r17/')).sort();
    expect(files).toEqual(['/restore/r17/srv/app/config/app.yaml', '/restore/r17/srv/app/docker-compose.yml']);
    expect(docker().fs.files['/restore/r17/srv/app/docker-compose.yml']!.content).toContain('image: ghcr.io/example/app');
  });

  it('0.14: the restoring line and nothing else; a file in the way makes text errors and exit 1', async () => {
    const r = await as('0.14.0', () => restore(runner(), usb, { snapshot: 'latest', target: '/restore/r14', include: ['/srv/app/config'] }, RESTIC_014_FEATURES));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ outcome: 'restored', form: 'text', target: '/restore/r14' });
    expect(r.value.bytesRestored).toBeUndefined();
    expect(Object.keys(docker().fs.files)).toContain('/restore/r14/srv/app/config/app.yaml');
    docker().fs.files['/restore/blocked/srv'] = { size: 1, mtime: 0 };
    const partial = await as('0.14.0', () => restore(runner(), usb, { snapshot: 'latest', target: '/restore/blocked', include: ['/srv/app/config'] }, RESTIC_014_FEATURES));
    expect(partial.ok && partial.value).toMatchObject({ outcome: 'partial', errorCount: 1, errors: [{ item: '/srv/app/config/app.yaml', message: 'mkdir /restore/blocked/srv: not a directory' }] });
    const raw = await as('0.14.0', () => runner().run({ argv: ['restic', 'restore', 'latest', '--target', '/restore/blocked'], env: { RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' } }));
    expect(raw.exitCode).toBe(1);
    expect(raw.stderr).toMatch(/^ignoring error for \/srv\/app\/\S+: mkdir \/restore\/blocked\/srv: not a directory$/m);
    expect(raw.stderr).toMatch(/^Fatal: There were \d+ errors$/m);
  });

  it('0.17.1: restore errors come as JSON lines; a wrong password is exit 12, and 1 on 0.14', async () => {
    const v17 = resticFeatures({ major: 0, minor: 17, patch: 3, text: '' });
    const partial = await restore(runner(), usb, { snapshot: 'latest', target: '/restore/blocked', include: ['/srv/app/config'] }, v17);
    expect(partial.ok && partial.value).toMatchObject({ outcome: 'partial', form: 'json', errorCount: 1 });
    const raw = await runner().run({ argv: ['restic', 'restore', 'latest', '--target', '/restore/blocked', '--include', '/srv/app/config', '--json'], env: { RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' } });
    expect(raw.stderr.split('\n')[0]).toBe('{"message_type":"error","error":{"message":"mkdir /restore/blocked/srv: not a directory"},"during":"restore","item":"/srv/app/config/app.yaml"}');
    const wrong = { ...usb, password: { value: 'nope' } };
    const w17 = await runner().run({ argv: ['restic', 'restore', 'latest', '--target', '/restore/x'], env: { RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PASSWORD: 'nope' } });
    expect(w17.exitCode).toBe(12);
    const w14 = await as('0.14.0', () => restore(runner(), wrong, { snapshot: 'latest', target: '/restore/x' }, RESTIC_014_FEATURES));
    expect(w14.ok ? null : w14.error).toMatchObject({ kind: 'auth', message: expect.stringContaining('exit 1') });
  });

  it('0.17 options: --overwrite never skips what is there, --dry-run writes nothing; 0.14 does not know them', async () => {
    const v17 = resticFeatures({ major: 0, minor: 17, patch: 3, text: '' });
    const again = await restore(runner(), usb, { snapshot: 'latest', target: '/restore/r17', include: ['/srv/app/config'], overwrite: 'never' }, v17);
    expect(again.ok && again.value).toMatchObject({ filesRestored: 0, filesSkipped: 1 });
    const dry = await restore(runner(), usb, { snapshot: 'latest', target: '/restore/dry', include: ['/srv/app/config'], dryRun: true }, v17);
    expect(dry.ok && dry.value.outcome).toBe('restored');
    expect(Object.keys(docker().fs.files).some((p) => p.startsWith('/restore/dry/'))).toBe(false);
    const old = await as('0.14.0', () => runner().run({ argv: ['restic', 'restore', 'latest', '--target', '/restore/o', '--overwrite', 'never'], env: { RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' } }));
    expect(old).toMatchObject({ exitCode: 1, stderr: 'unknown flag: --overwrite\n' });
  });
});
