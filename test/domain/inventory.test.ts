import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LAYER_KINDS } from '../../src/domain/inventory-file.js';
import { LAYER_KEYS } from '../../src/domain/inventory-schema.js';
import { parseInventoryText, validateInventory, type InventoryProblem } from '../../src/domain/inventory.js';

const example = JSON.parse(readFileSync(new URL('../../examples/homelab.json', import.meta.url), 'utf8')) as Record<string, unknown>;

const minimal = () => ({
  version: 1,
  hosts: [{ name: 'pve1' }, { name: 'pbs1' }],
  layers: [
    { id: 'dump', kind: 'vzdump', host: 'pve1', storage: 'local', rpo: '1d' },
    { id: 'pbs', kind: 'pbs', host: 'pbs1', repository: 'u@pbs@h:store', secret: { file: '/root/t' } },
  ],
});

function problems(json: unknown): string[] {
  const r = validateInventory(json);
  return r.ok ? [] : r.problems.map((p: InventoryProblem) => `${p.path}: ${p.message}`);
}

describe('validateInventory', () => {
  it('accepts the homelab example and normalises it', () => {
    const r = validateInventory(example);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const inv = r.inventory;
    expect(inv.hosts.map((h) => h.name)).toEqual(['pve1', 'pbs1', 'pbs2', 'docker1', 'nas1']);
    expect(inv.layers.map((l) => l.id)).toEqual([
      'pve1-snap', 'pve1-dump', 'pbs-local', 'pbs-remote', 'restic-usb', 'restic-cloud', 'nas-snap', 'nas-repl', 'nas-glacier', 'pve1-config',
    ]);
    const byId = new Map(inv.layers.map((l) => [l.id, l]));
    expect(byId.get('pbs-local')).toMatchObject({ rpoSeconds: 86_400, verifyMaxAgeSeconds: 2_592_000, media: 'usb-ssd' });
    expect(byId.get('pve1-snap')).toMatchObject({ rpoSeconds: null, verifyMaxAgeSeconds: null });
    expect(byId.get('restic-cloud')).toMatchObject({ offsite: true, copyOf: ['pbs-local'] });
    expect(inv.tiers.map((t) => [t.name, t.rpoSeconds, t.keep])).toEqual([
      ['tier0', 86_400, { daily: 7, weekly: 4, monthly: 3 }],
      ['tier1', 86_400, { daily: 7, weekly: 4, monthly: 2 }],
      ['tier2', 604_800, { daily: 5, weekly: 2, monthly: 0 }],
      ['tier3', 604_800, { daily: 2, weekly: 0, monthly: 0 }],
    ]);
    expect(inv.tiers[0]!.assets).toEqual(['host/pve1', 'vm/100', 'vm/101', 'ct/102']);
    expect(inv.tiers.map((t) => [t.name, t.rtoSeconds])).toEqual([
      ['tier0', 4 * 3_600],
      ['tier1', 8 * 3_600],
      ['tier2', 86_400],
      ['tier3', 3 * 86_400],
    ]);
  });

  it('a tier without an rto has none (null), and a wrong rto is refused with its path', () => {
    const tier = { name: 't', rpo: '1d', copies: 1, media: 1, offsite: 0, assets: [] };
    const none = validateInventory({ ...minimal(), tiers: [tier] });
    expect(none.ok && none.inventory.tiers[0]!.rtoSeconds).toBeNull();
    const bad = validateInventory({ ...minimal(), tiers: [{ ...tier, rto: '4 hours' }] });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.map((p) => p.path)).toEqual(['tiers[0].rto']);
  });

  it('fills every threshold and the default tier', () => {
    const r = validateInventory(minimal());
    expect(r.ok && r.inventory.thresholds).toEqual({
      rpoCritFactor: 2,
      capacityWarnPercent: 80,
      capacityCritPercent: 90,
      clockSkewWarnSeconds: 60,
      verifyMaxAgeSeconds: null,
    });
    expect(r.ok && r.inventory.defaultTier).toEqual({ copies: 2, media: 1, offsite: 0, rpoSeconds: 86_400 });
    expect(r.ok && r.inventory.refreshSeconds).toBe(60);
    expect(r.ok && r.inventory.probeTimeoutSeconds).toBe(20);
    expect(r.ok && r.inventory.tiers).toEqual([]);
  });

  it('takes a probe timeout of 1 s to an hour, and names what is wrong with any other', () => {
    const slow = validateInventory({ ...minimal(), probeTimeoutSeconds: 90 });
    expect(slow.ok && slow.inventory.probeTimeoutSeconds).toBe(90);
    expect(problems({ ...minimal(), probeTimeoutSeconds: 0 })).toEqual(['probeTimeoutSeconds: must be at least 1']);
    expect(problems({ ...minimal(), probeTimeoutSeconds: 7200 })).toEqual(['probeTimeoutSeconds: at most 3600 (an hour), got 7200']);
    expect(problems({ ...minimal(), probeTimeoutSeconds: '30s' })).toEqual(['probeTimeoutSeconds: expected a whole number, got "30s"']);
  });

  it('lists every problem at once, each with its JSON path and what was expected', () => {
    const bad = {
      version: 1,
      hosts: [{ name: 'pve1' }, { name: 'pbs1' }, { name: 'pve1' }],
      layers: [
        { id: 'dump', kind: 'vzdump', host: 'pve1', storage: 'local', reop: '1d' },
        { id: 'pbs', kind: 'pbs', host: 'pbs1', repository: 'r' },
        { id: 'remote', kind: 'pbs', host: 'pbs2', repository: 'r', copyOf: ['pbs'] },
        { id: 'cloud', kind: 'restic', host: 'pbs1', repository: 'r', secret: { file: '/x' }, rpo: '1x' },
        { id: 'dump', kind: 'tape', host: 'pve1' },
      ],
      tiers: [{ name: 't0', rpo: '1d', copies: 3, media: 2, offsite: 1, assets: ['vm/100', 'vm/42', 'dataset/tank/data'] }],
    };
    expect(problems(bad)).toEqual(
      expect.arrayContaining([
        'layers[0].reop: unknown key (did you mean "rpo"?)',
        'layers[3].rpo: "1x" is not a duration like 30m, 12h, 1d, 2w',
        'layers[2].host: no host named "pbs2" (did you mean "pbs1"?)',
        'hosts[2].name: "pve1" is already the name of hosts[0]',
        'layers[4].id: "dump" is already the id of layers[0]',
        'layers[4].kind: "tape" is not a layer kind; one of pve-snapshots, vzdump, pbs, zfs-snapshots, zfs-replication, restic, rclone, config-backup',
        'tiers[0].assets[1]: "vm/42" is not an asset id like vm/100, ct/101, dataset/tank/data, files/docker1:/srv/app or host/pve1',
      ]),
    );
    expect(problems(bad)).toHaveLength(7);
  });

  it('refuses a literal secret where a reference belongs, a password key, and credentials in a URL', () => {
    const inv = minimal();
    (inv.layers[1] as Record<string, unknown>).secret = 'hunter2';
    (inv.hosts[0] as Record<string, unknown>).password = 'hunter2';
    inv.layers.push({
      id: 'cloud',
      kind: 'restic',
      host: 'pbs1',
      repository: 'rest:https://user:hunter2@backup.example/repo',
      secret: { env: 'RESTIC_PW' },
      env: { AWS_SECRET_ACCESS_KEY: 'abc' },
    } as never);
    const p = problems(inv);
    expect(p).toContain(
      'layers[1].secret: a literal secret where a secret reference belongs: secrets never go in this file; use a secret reference: {"command": "..."}, {"file": "/path"} or {"env": "NAME"}',
    );
    expect(p.find((x) => x.startsWith('hosts[0].password: unknown key; secrets never go in this file'))).toBeDefined();
    expect(p).toContain('layers[2].repository: contains a password in the URL; secrets never go in this file: use "secret" or "secretEnv"');
    expect(p.find((x) => x.startsWith('layers[2].env.AWS_SECRET_ACCESS_KEY: looks like a secret'))).toBeDefined();
    // The secret value is never repeated back.
    expect(p.join('\n')).not.toContain('hunter2');
    expect(p.join('\n')).not.toContain('"abc"');
  });

  it('refuses copyOf naming an unknown layer, itself, or forming a cycle', () => {
    const inv = minimal();
    inv.layers.push(
      { id: 'a', kind: 'vzdump', host: 'pve1', storage: 's', copyOf: ['b'] } as never,
      { id: 'b', kind: 'vzdump', host: 'pve1', storage: 's', copyOf: ['c'] } as never,
      { id: 'c', kind: 'vzdump', host: 'pve1', storage: 's', copyOf: ['a', 'pbss', 'c'] } as never,
    );
    expect(problems(inv)).toEqual([
      'layers[4].copyOf[1]: no layer named "pbss" (did you mean "pbs"?)',
      'layers[4].copyOf[2]: a layer cannot be a copy of itself',
      'layers[2].copyOf: copyOf forms a cycle: a -> b -> c -> a',
    ]);
  });

  it('refuses an asset in two tiers and a files/host asset on an unknown host', () => {
    const inv = {
      ...minimal(),
      tiers: [
        { name: 't0', rpo: '1d', copies: 3, media: 2, offsite: 1, assets: ['vm/100', 'files/docker1:/srv/app'] },
        { name: 't1', rpo: '1d', copies: 2, media: 1, offsite: 0, assets: ['vm/100', 'host/pve1'] },
      ],
    };
    expect(problems(inv)).toEqual([
      'tiers[0].assets[1]: no host named "docker1"',
      'tiers[1].assets[0]: "vm/100" is already in tier "t0"; an asset belongs to one tier',
    ]);
  });

  it('checks tiers, thresholds and the file version', () => {
    const inv = {
      ...minimal(),
      version: 2,
      tiers: [{ name: 't0', rpo: 'daily', copies: 0, media: 1, offsite: -1, retention: 'keep-dayly=7', assets: [] }],
      thresholds: { capacityWarnPercent: 95, capacityCritPercent: 90, rpoCritFactor: 0.5 },
    };
    expect(problems(inv)).toEqual(
      expect.arrayContaining([
        'version: expected 1 (the only version of this file), got 2',
        'tiers[0].rpo: "daily" is not a duration like 30m, 12h, 1d, 2w',
        'tiers[0].copies: must be at least 1',
        'tiers[0].offsite: must be at least 0',
        expect.stringMatching(/^tiers\[0\]\.retention: unknown keep option "keep-dayly" \(did you mean keep-daily\?\)/),
        'thresholds.rpoCritFactor: must be at least 1',
        'thresholds.capacityWarnPercent: the warning level (95 %) must be below the critical level (90 %)',
      ]),
    );
  });

  it('reports missing fields and wrong types by path', () => {
    expect(problems({ version: 1, hosts: [{}], layers: [{ id: 'x', kind: 'restic', host: 'h' }, 7] })).toEqual(
      expect.arrayContaining([
        'hosts[0].name: missing (expected a string)',
        'layers[0].repository: missing (expected a string)',
        'layers[0].secret: expected a secret reference: {"command": "..."}, {"file": "/path"} or {"env": "NAME"}, got nothing',
        'layers[1]: expected a layer (an object), got 7',
      ]),
    );
    expect(problems([])).toEqual(['(file): expected an object, got []']);
  });
});

describe('unknown keys', () => {
  it('says which layer kinds take "env" when an rclone layer is given one, and what rclone uses instead (issue 10 item 3)', () => {
    const inv = minimal();
    inv.layers.push({ id: 'cloud', kind: 'rclone', host: 'pbs1', remote: 'b2:bucket', env: { RCLONE_CONFIG: '/root/.config/rclone/rclone.conf' } } as never);
    expect(problems(inv)).toEqual([
      'layers[2].env: "env" is not a key of rclone layers (only restic layers take it); rclone takes its config file as "configFile" (not RCLONE_CONFIG in "env"), and secret variables in "secretEnv"',
    ]);
  });

  it('never suggests the key it refuses, for any key of any kind given to a layer of another kind', () => {
    const allKeys = [...new Set(LAYER_KINDS.flatMap((k) => LAYER_KEYS[k]))];
    const seen: string[] = [];
    for (const kind of LAYER_KINDS) {
      for (const key of allKeys.filter((k) => !LAYER_KEYS[kind].includes(k))) {
        const inv = minimal();
        inv.layers.push({ id: 'x', kind, host: 'pve1', [key]: 1 } as never);
        const about = problems(inv).filter((p) => p.startsWith(`layers[2].${key}:`));
        expect(about, `${kind} given ${key}`).toHaveLength(1);
        expect(about[0]).not.toContain(`did you mean "${key}"`);
        expect(about[0]).toMatch(new RegExp(`^layers\\[2\\]\\.${key}: "${key}" is not a key of ${kind} layers \\((only )?[a-z-]+( and [a-z-]+|, [a-z-]+)* layers take it\\)`));
        seen.push(`${kind}.${key}`);
      }
    }
    expect(seen.length).toBeGreaterThan(50);
  });

  it('suggests only keys of the object at hand', () => {
    const inv = minimal();
    (inv.hosts[0] as Record<string, unknown>).nmae = 'x';
    inv.layers.push({ id: 'r', kind: 'restic', host: 'pve1', repository: '/r', secret: { file: '/p' }, envv: {} } as never);
    inv.layers.push({ id: 'c', kind: 'rclone', host: 'pve1', remote: 'b2:x', envv: {}, configfile: '/c' } as never);
    expect(problems(inv)).toEqual([
      'hosts[0].nmae: unknown key (did you mean "name"?)',
      'layers[2].envv: unknown key (did you mean "env"?)',
      // An rclone layer has no "env" to offer.
      'layers[3].envv: unknown key',
      'layers[3].configfile: unknown key (did you mean "configFile"?)',
    ]);
  });
});

describe('hostile values', () => {
  it('checks a value nested 100,000 deep, given as a value rather than as text, without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const p = problems({ ...minimal(), layers: [deep] });
    expect(p).toEqual([expect.stringMatching(/^layers\[0\]: expected a layer \(an object\), got \[{60,}… \(a list of 1\)$/)]);
  });

  it('follows a copyOf chain of 50,000 layers without overflowing the stack, and shows a long cycle cut', () => {
    const layers = Array.from({ length: 50_000 }, (_, i) => ({ id: `l${i}`, kind: 'vzdump', host: 'pve1', storage: 's', copyOf: [`l${(i + 1) % 50_000}`] }));
    expect(problems({ ...minimal(), layers })).toEqual(['layers[0].copyOf: copyOf forms a cycle: l0 -> l1 -> l2 -> l3 -> l4 -> … (50,000 layers) -> l0']);
  });

  it('finds a password in a URL, and answers at once for three million colons', () => {
    const inv = minimal();
    inv.layers.push({ id: 'r', kind: 'restic', host: 'pve1', repository: `rest:https://${':'.repeat(3_000_000)}`, secret: { file: '/p' } } as never);
    inv.layers.push({ id: 's', kind: 'restic', host: 'pve1', repository: 'rest:https://u:p:w@h/', secret: { file: '/p' } } as never);
    const started = performance.now();
    const p = problems(inv);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(p).toContain('layers[3].repository: contains a password in the URL; secrets never go in this file: use "secret" or "secretEnv"');
    expect(p.filter((x) => x.startsWith('layers[2].repository'))).toEqual([expect.stringMatching(/is too long: at most 4096 characters$/)]);
  });

  it('refuses ".." in ids, paths and datasets', () => {
    const inv = minimal();
    inv.layers.push(
      { id: '../etc', kind: 'vzdump', host: 'pve1', storage: 's' } as never,
      { id: 'cfg', kind: 'config-backup', host: 'pve1', paths: ['/etc/../root'], directory: '../backups' } as never,
      { id: 'snap', kind: 'zfs-snapshots', host: 'pve1', datasets: ['tank/..'] } as never,
    );
    expect(problems(inv)).toEqual([
      'layers[2].id: "../etc" is not a layer id: letters, digits, ".", "_" and "-", starting with a letter or digit',
      'layers[3].paths[0]: "/etc/../root" goes up with ".."; write the path out in full',
      'layers[3].directory: "../backups" is not an absolute path',
      'layers[4].datasets[0]: "tank/.." has a "." or ".." in it, which no ZFS dataset name has',
    ]);
  });

  it('says what is wrong with a variable name in env or secretEnv, not zod\'s "Invalid key in record"', () => {
    const inv = minimal();
    inv.layers.push({ id: 'r', kind: 'restic', host: 'pve1', repository: '/r', secret: { file: '/p' }, env: { 'A B': 'x' }, secretEnv: { 'x\ny': { file: '/k' } } } as never);
    expect(problems(inv)).toEqual(['layers[2].secretEnv["x\\ny"]: "x\\ny" is not an environment variable name', 'layers[2].env["A B"]: "A B" is not an environment variable name']);
  });

  it('stops collecting at 500 problems and says so', () => {
    const r = validateInventory({ ...minimal(), hosts: Array(10_000).fill(7) });
    expect(r.ok).toBe(false);
    expect(!r.ok && [r.problems.length, r.stopped]).toEqual([500, true]);
  });
});

describe('parseInventoryText', () => {
  it('names the line and column of invalid JSON', () => {
    const r = parseInventoryText('{\n  "version": 1,\n  "hosts": [\n  }\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([{ path: '(file)', message: 'invalid JSON at line 4, column 3: expected a value, found "}"' }]);
    const r2 = parseInventoryText('{"version": 1,\n "hosts": [],,}');
    expect(!r2.ok && r2.problems[0]!.message).toMatch(/^invalid JSON at line 2, column 14: /);
    const r3 = parseInventoryText('{"version": 1');
    expect(!r3.ok && r3.problems[0]!.message).toBe('invalid JSON at line 1, column 14: expected "," or "}", but the text ends');
  });

  it('refuses text nested deeper than 20 levels before parsing it, naming the path', () => {
    const r = parseInventoryText(`{"version": 1, "hosts": [], "layers": ${'['.repeat(10_000)}1${']'.repeat(10_000)}}`);
    expect(!r.ok && r.problems).toEqual([
      { path: `layers${'[0]'.repeat(19)}`, message: 'nested more than 20 levels deep (at line 1, column 58); no inventory needs that, so the file was not read further' },
    ]);
  });

  it('names a key given twice, and reads a byte order mark as the start of the text', () => {
    const r = parseInventoryText('\ufeff{"version": 1, "hosts": [], "layers": [], "hosts": []}');
    expect(!r.ok && r.problems).toEqual([{ path: 'hosts', message: 'given twice; JSON keeps only the last one, so write it once' }]);
    expect(parseInventoryText('\ufeff{"version": 1, "hosts": [], "layers": []}').ok).toBe(true);
  });
});
