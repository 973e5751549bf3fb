/**
 * `strata dr card` against the lab: the certificate and key fingerprints
 * read from the hosts that answer (and compared with the inventory's), what
 * could not be read and why, within its bound even when a host hangs; no
 * secret value in either output though every secret is planted where the
 * card looks; the text form fits 80 columns.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { InventoryFile, LayerFile } from '../../src/domain/inventory-file.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { PVE1_KEY, SECRETS } from '../../src/lab/homelab/topology.js';

async function card(configPath: string, args: string[] = [], env: Record<string, string> = {}) {
  const io = memoryIo('', env);
  const started = Date.now();
  const code = await main(['dr', 'card', '--config', configPath, ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr, ms: Date.now() - started };
}

/** The lab's inventory with some layers changed, written beside it. */
function variant(lab: Lab, name: string, change: (l: LayerFile) => LayerFile): string {
  const file: InventoryFile = { ...lab.config, layers: lab.config.layers.map(change) };
  const path = join(lab.dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(file));
  return path;
}

describe('on a healthy estate', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
  });
  afterAll(async () => lab?.stop());

  it('reads each PBS certificate and datastore and the PVE node encryption key, and compares with the inventory', async () => {
    const pbs1 = lab.state.hosts.pbs1!.pbs!.certFingerprint;
    const pbs2 = lab.state.hosts.pbs2!.pbs!.certFingerprint;
    const wrong = '00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff';
    const path = variant(lab, 'pinned', (l) => (l.id === 'pbs-local' ? { ...l, fingerprint: pbs1 } : l.id === 'pbs-remote' ? { ...l, fingerprint: wrong } : l));
    const r = await card(path);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`fingerprint read now from pbs1: ${pbs1} (matches the inventory)`);
    expect(r.stdout).toContain(`fingerprint read now from pbs2: ${pbs2} (DIFFERS from the inventory`);
    expect(r.stdout).toContain('datastore usb: path /mnt/usb/pbs');
    expect(r.stdout).toContain('datastore offsite: path /mnt/datastore/offsite');
    expect(r.stdout).toContain(`- pve1: \`/etc/pve/priv/storage/pbs1.enc\` (kdf none), fingerprint \`${PVE1_KEY.fingerprint}\``);
    expect(r.stdout).not.toContain('Not read when printed');
    expect(r.stdout).toContain(`--fingerprint ${pbs1}`);
  });

  it('lists the rebuild in order, guests by tier with their RTO, and the config archive with its off-site copy', async () => {
    const r = await card(lab.configPath);
    const titles = [...r.stdout.matchAll(/^\d+\. \*\*(.+?)\.\*\*/gm)].map((m) => m[1]);
    expect(titles).toEqual([
      'Reinstall Proxmox VE with the same hostname and address',
      'Network: the archived interfaces file against the new NIC names',
      'Host configuration: the config.db route',
      'Storage: pools, the encryption key, then the surviving PBS',
      'Guests of tier0 (RTO 4 h)',
      'Guests of tier1 (RTO 8 h)',
      'Guests of tier2 (RTO 24 h)',
      'Guests of tier3 (RTO 3 d)',
      'Start in order, check services, re-enable the backup jobs',
    ]);
    expect(r.stdout).toContain('pve1-config-offsite (copy, offsite:strata-config/pve1)');
    expect(r.stdout).toContain('qmrestore pbs-remote:backup/vm/100/<time> 100 --storage local-lvm');
    expect(r.stdout).toContain('pct restore 102 pbs-remote:backup/ct/102/<time> --storage local-lvm');
  });

  it('never prints a secret: planted in files, a key, a command and the environment, only where each lives appears', async () => {
    const envSecret = 'env-planted-secret-0b6c2f';
    const path = variant(lab, 'env-secret', (l) => (l.id === 'pbs-remote' ? { ...l, secret: { env: 'STRATA_PBS2_TOKEN' } } : l));
    const env = { STRATA_PBS2_TOKEN: envSecret };
    const markdown = await card(path, ['--markdown'], env);
    const text = await card(path, ['--text'], env);
    // The private key Strata logs in with is a secret too.
    const loginKey = readFileSync(lab.config.hosts[0]!.identityFile!, 'utf8').split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    expect(loginKey.length).toBeGreaterThan(0);
    const planted = [envSecret, PVE1_KEY.data, ...Object.values(SECRETS), ...loginKey];
    // They are where the card looks: the key file the node keeps, the password files the layers name.
    expect(lab.state.hosts.pve1!.fs.files['/etc/pve/priv/storage/pbs1.enc']!.content).toContain(PVE1_KEY.data);
    expect(lab.state.hosts.pbs1!.fs.files['/root/.strata-pbs-token']!.content).toContain(SECRETS.pbs1Token);
    for (const printed of [markdown.stdout, text.stdout]) {
      for (const secret of planted) expect(printed).not.toContain(secret);
      // The text form wraps at 80 columns: read it as one line.
      const out = printed.replace(/\s+/g, ' ');
      expect(out).toContain('environment variable STRATA_PBS2_TOKEN of the Strata process');
      expect(out).toContain('file /root/.strata-pbs-token on pbs1');
      expect(out).toContain('printed by the command `pass show s3/strata` on docker1');
      expect(out.replace(/ \| /g, ': ')).toContain(`SSH key Strata logs in to pve1, pbs1, pbs2, docker1, nas1 with: file ${lab.config.hosts[0]!.identityFile} on the machine Strata runs on`);
    }
  });

  it('says where every kind keeps its secrets: an rclone config password by reference, a PBS key file and passphrase, syncoid\'s SSH key, the config archives', async () => {
    const passValue = 'rclone-config-pass-4d1e9a';
    const keyPass = 'pbs-key-passphrase-77c2e0';
    const path = variant(lab, 'kinds', (l) => {
      if (l.id === 'nas-glacier') return { ...l, configFile: '/root/.config/rclone/glacier.conf', secretEnv: { RCLONE_CONFIG_PASS: { env: 'STRATA_RCLONE_PASS' } } };
      if (l.id === 'pbs-local') return { ...l, keyfile: '/root/pbs1.enc', keySecret: { env: 'STRATA_PBS_KEY_PASS' } };
      if (l.id === 'nas-media-repl' && l.kind === 'zfs-replication') return { ...l, source: { host: 'docker1', dataset: 'tank/media' } };
      return l;
    });
    const env = { STRATA_RCLONE_PASS: passValue, STRATA_PBS_KEY_PASS: keyPass };
    for (const flag of ['--markdown', '--text']) {
      const r = await card(path, [flag], env);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(passValue);
      expect(r.stdout).not.toContain(keyPass);
      // The Markdown table's cells read as the text form's "purpose: where".
      const words = r.stdout.replace(/\s+/g, ' ').replace(/ \| /g, ': ');
      expect(words).toContain('keys and settings of rclone remote glacier: rclone config /root/.config/rclone/glacier.conf on nas1 (remote glacier)');
      expect(words).toContain('RCLONE_CONFIG_PASS, the password the rclone config is encrypted with: environment variable STRATA_RCLONE_PASS of the Strata process');
      expect(words).toContain('PBS encryption key (--keyfile): file /root/pbs1.enc on pbs1');
      expect(words).toContain('passphrase of the PBS encryption key: environment variable STRATA_PBS_KEY_PASS of the Strata process');
      expect(words).toContain('SSH key syncoid on nas1 logs in to docker1 with: ~/.ssh of the user running syncoid on nas1');
      expect(words).toContain('the archives hold /etc/pve/priv (the node\'s keys and tokens): the archives in /var/backups/strata on pve1 and every copy of them');
      expect(words).toContain('No secret of their own: pve1-snap (pve-snapshots), pve1-dump (vzdump), nas-snap (zfs-snapshots), nas-repl (zfs-replication).');
      if (flag === '--text') expect(r.stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
    }
  });

  it('says why an rclone remote\'s settings were not read, and prints the rest', async () => {
    const path = variant(lab, 'no-pass', (l) => (l.id === 'nas-glacier' ? { ...l, secretEnv: { RCLONE_CONFIG_PASS: { env: 'STRATA_UNSET_PASS' } } } : l));
    const r = await card(path, ['--markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- nas1: rclone remote glacier of nas-glacier (rclone config dump): RCLONE_CONFIG_PASS: secret variable STRATA_UNSET_PASS is not set');
    expect(r.stdout).toContain('  - settings not read: RCLONE_CONFIG_PASS: secret variable STRATA_UNSET_PASS is not set');
    expect(r.stdout).toContain('- **pve1-config-offsite on pve1 (off-site)**: remote offsite, bucket and path strata-config/pve1');
  });

  it('prints Markdown when not on a terminal, and text of at most 80 columns with --text', async () => {
    const md = await card(lab.configPath);
    expect(md.stdout.startsWith('# Strata DR card\n')).toBe(true);
    const text = await card(lab.configPath, ['--text']);
    expect(text.stdout.startsWith('STRATA DR CARD\n')).toBe(true);
    const long = text.stdout.split('\n').filter((l) => l.length > 80);
    expect(long).toEqual([]);
    expect(text.stdout).toContain('$ systemctl stop pve-cluster');
  });

  it('says within its bound what a hanging host did not answer', async () => {
    lab.inject('pbs2', { kind: 'hang', program: 'proxmox-backup-manager' });
    try {
      const r = await card(lab.configPath, ['--timeout', '2']);
      expect(r.code).toBe(0);
      expect(r.ms).toBeLessThan(15_000);
      expect(r.stdout).toMatch(/- pbs2: certificate \(proxmox-backup-manager cert info\): .*(timed out|no answer within 2 s)/);
      expect(r.stdout).toContain(`fingerprint read now from pbs1: ${lab.state.hosts.pbs1!.pbs!.certFingerprint}`);
    } finally {
      lab.clear('pbs2');
    }
  });
});

describe('in a disaster', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'disaster' });
  });
  afterAll(async () => lab?.stop());

  it('reads what survives and says which hosts did not answer', async () => {
    const r = await card(lab.configPath);
    expect(r.code).toBe(0);
    const unread = r.stdout.slice(r.stdout.indexOf('**Not read when printed**'), r.stdout.indexOf('## Hosts and roles'));
    expect(unread).toMatch(/- pbs1: certificate \(proxmox-backup-manager cert info\): host pbs1 is unreachable/);
    expect(unread).toMatch(/- pve1: encryption keys \(proxmox-backup-client key show\): host pve1 is unreachable/);
    expect(unread).not.toContain('pbs2');
    expect(r.stdout).toContain(`fingerprint read now from pbs2: ${lab.state.hosts.pbs2!.pbs!.certFingerprint}`);
    expect(r.stdout).toContain('| pbs2 |');
  });

  it('says that the rclone config of a host that did not answer is lost with it, and still where the copy is', async () => {
    const r = await card(lab.configPath, ['--text']);
    const words = r.stdout.replace(/\s+/g, ' ');
    expect(words).toContain('pve1-config-offsite on pve1 (off-site): remote offsite, bucket and path strata-config/pve1');
    expect(words).toMatch(/- settings not read: host pve1 is unreachable/);
    expect(words).toContain("pve1 did not answer when this card was printed: if it is lost, its rclone config is lost with it, and remote offsite's settings and keys must come from a copy kept elsewhere");
    // nas1 answers: its copy's class is read as ever.
    expect(words).toContain('storage class GLACIER: cold, a restore needs a Standard thaw (3-5 hours) first');
    expect(r.stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
  });
});

describe('its arguments', () => {
  it('refuses a bad --timeout and both formats at once (exit 64)', async () => {
    expect((await card('/nonexistent.json', ['--timeout', 'soon'])).code).toBe(64);
    expect((await card('/nonexistent.json', ['--text', '--markdown'])).code).toBe(64);
    const io = memoryIo();
    expect(await main(['dr', 'nope'], io)).toBe(64);
    expect(io.stderr).toContain('unknown subcommand "nope"');
  });
});

/** The keys in an rclone config file's text: every value of a key that names a secret. */
function rcloneConfigSecrets(text: string): string[] {
  return [...text.matchAll(/^\s*(access_key_id|secret_access_key|session_token|pass|password|token|key)\s*=\s*(.+?)\s*$/gm)].map((m) => m[2]!);
}

describe('with pbs1\'s datastore copied by rclone to Deep Archive', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ datastoreCopy: 'rclone-cold' });
  });
  afterAll(async () => lab?.stop());

  it('names pbs-deep\'s remote, its storage class and thaw, and where its keys live, in both formats', async () => {
    const markdown = await card(lab.configPath, ['--markdown']);
    const text = await card(lab.configPath, ['--text']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('- **pbs-deep on docker1 (off-site)**: remote pbsdeep, bucket and path strata-pbs/usb');
    expect(markdown.stdout).toContain('  - read now from docker1: s3, AWS, eu-central-1; storage class DEEP_ARCHIVE: cold, a restore needs a Standard thaw (within 12 hours) first');
    expect(markdown.stdout).toContain(
      "| pbs-deep | docker1 | keys and settings of rclone remote pbsdeep | rclone config ~/.config/rclone/rclone.conf (rclone's default) on docker1 (remote pbsdeep) |",
    );
    const words = text.stdout.replace(/\s+/g, ' ');
    expect(words).toContain('pbs-deep on docker1 (off-site): remote pbsdeep, bucket and path strata-pbs/usb');
    expect(words).toContain('storage class DEEP_ARCHIVE: cold, a restore needs a Standard thaw (within 12 hours) first');
    expect(words).toContain("rclone config ~/.config/rclone/rclone.conf (rclone's default) on docker1 (remote pbsdeep)");
    expect(words).toContain("remote pbsdeep's settings and keys must still be reachable: if docker1 is lost, its config is lost with it, so keep a copy of it (encrypted) with this card");
    // The other rclone copies of the lab: nas1's Glacier copy (hours of thaw), pve1's config copy on the node a disaster loses.
    expect(words).toContain('nas-glacier on nas1 (off-site): remote glacier, bucket and path strata-nas/data');
    expect(words).toContain('storage class GLACIER: cold, a restore needs a Standard thaw (3-5 hours) first');
    expect(words).toContain('read now from pve1: s3, AWS, eu-central-1; no storage class set');
    expect(words).toContain("the config is on the PVE node pve1, which the disaster loses: keep a copy of remote offsite's settings and keys (encrypted) with this card");
    expect(markdown.stdout).not.toContain('Not read when printed');
  });

  it('prints none of the keys in docker1\'s rclone.conf, and the text form holds 80 columns', async () => {
    const conf = lab.state.hosts.docker1!.fs.files['/root/.config/rclone/rclone.conf']!.content!;
    const keys = rcloneConfigSecrets(conf);
    // The file holds pbsdeep's access key id and secret key: the card reads the remote where they are.
    expect(keys.length).toBe(2);
    const markdown = await card(lab.configPath, ['--markdown']);
    const text = await card(lab.configPath, ['--text']);
    expect(markdown.stdout).toContain('storage class DEEP_ARCHIVE');
    const planted = [...keys, PVE1_KEY.data, ...Object.values(SECRETS)];
    for (const printed of [markdown.stdout, text.stdout]) for (const secret of planted) expect(printed).not.toContain(secret);
    expect(text.stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
  });
});
