/**
 * The lab's PBS file commands read with Strata's PBS adapter over the lab's
 * SSH: the catalog of pve1's host backup (its /etc as it was then, times in
 * the client's local time), a container's root file system, a VM snapshot
 * without a catalog, pxar restores whole and by --pattern (3.x refuses the
 * option), and proxmox-file-restore list (errors on stdout, exit 0) and
 * extract from a VM image.
 */
import { describe, expect, it } from 'vitest';
import { catalog, fileRestoreExtract, fileRestoreList, restoreArchive } from '../../src/adapters/pbs/index.js';
import type { Lab } from '../../src/lab/index.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
useLab({ scenario: 'healthy', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

const access = { repository: 'strata@pbs!ro@127.0.0.1:usb', password: { file: '/root/.strata-pbs-token' } };
const pbs1 = () => lab.state.hosts.pbs1!;
const snapPath = (type: string) => {
  const s = pbs1().pbs!.datastores.usb!.snapshots.filter((x) => x.type === type && !x.partial).sort((a, b) => b.time - a.time)[0]!;
  return { s, path: `${s.type}/${s.id}/${new Date(s.time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}` };
};
const restored = (root: string) => Object.keys(pbs1().fs.files).filter((p) => p.startsWith(`${root}/`)).sort();

describe('PBS file restores on the lab', () => {
  it("catalog dump of a host backup: pve1's /etc then, mtimes read in the client's zone", async () => {
    const { s, path } = snapPath('host');
    const c = await catalog(runners.get('pbs1'), access, { snapshot: path, zone: { timeZone: pbs1().timeZone } });
    if (!c.ok) throw new Error(c.error.message);
    expect(c.value.archives).toEqual(['etc.pxar.didx']);
    const top = c.value.tree.list('/etc.pxar.didx')!.map((e) => e.name);
    expect(top).toContain('pve');
    const files = c.value.tree.list('/etc.pxar.didx/pve')!.filter((e) => e.kind === 'file');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.mtimeMs! / 1000).toBeLessThanOrEqual(s.time);
  });

  it('a VM snapshot has no catalog: not-found that says to use file-restore', async () => {
    const { path } = snapPath('vm');
    const c = await catalog(runners.get('pbs1'), access, { snapshot: path, zone: { timeZone: pbs1().timeZone } });
    expect(c.ok ? null : c.error).toMatchObject({ kind: 'not-found' });
  });

  it('restores a pxar archive by --pattern on 4.x and whole on 3.x, which refuses --pattern', async () => {
    const { path } = snapPath('host');
    const r = await restoreArchive(runners.get('pbs1'), access, { snapshot: path, archive: 'etc.pxar', target: '/restore/p4', paths: ['/pve'] });
    expect(r.ok && r.value.done).toBe(true);
    const got = restored('/restore/p4');
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((p) => p.startsWith('/restore/p4/pve/'))).toBe(true);
    pbs1().tools = { pbsClient: '3.2.7' };
    try {
      const old = await restoreArchive(runners.get('pbs1'), access, { snapshot: path, archive: 'etc.pxar', target: '/restore/p3', paths: ['/pve'] });
      expect(old.ok && old.value).toMatchObject({ done: false, refusal: 'no-pattern-option' });
      const whole = await restoreArchive(runners.get('pbs1'), access, { snapshot: path, archive: 'etc.pxar', target: '/restore/p3' });
      expect(whole.ok && whole.value.done).toBe(true);
      expect(restored('/restore/p3').length).toBeGreaterThan(got.length - 1);
    } finally {
      pbs1().tools = {};
    }
  });

  it('proxmox-file-restore lists a VM image down to a file, extracts it, and a bad path is an error from stdout', async () => {
    const { s, path } = snapPath('vm');
    const image = s.files.find((f) => /0\.img\.fidx$/.test(f.filename))!.filename;
    const top = await fileRestoreList(runners.get('pbs1'), access, { snapshot: path, path: '/' });
    expect(top.ok && top.value.entries.map((e) => [e.name, e.kind])).toContainEqual([image, 'image']);
    const etc = await fileRestoreList(runners.get('pbs1'), access, { snapshot: path, path: `/${image}/part/2/etc` });
    if (!etc.ok) throw new Error(etc.error.message);
    expect(etc.value.entries.find((e) => e.name === 'hosts')).toMatchObject({ kind: 'file' });
    const bad = await fileRestoreList(runners.get('pbs1'), access, { snapshot: path, path: `/${image}/part/9` });
    expect(bad.ok ? null : bad.error.kind).toBe('not-found');
    const x = await fileRestoreExtract(runners.get('pbs1'), access, { snapshot: path, path: `/${image}/part/2/etc/hosts`, target: '/restore/vmfile' });
    expect(x.ok && x.value.done).toBe(true);
    expect(pbs1().fs.files['/restore/vmfile/hosts']!.content).toContain('localhost');
  });
});
