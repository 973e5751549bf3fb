/**
 * Adding a PBS storage to the new node without the secret on any argv: what
 * `pvesm status --storage ID` says (absent, disabled, inactive with PBS's
 * error, active), and which of the three commands a resume runs for what a
 * stopped run left.
 */
import { describe, expect, it } from 'vitest';
import type { ActionOutcome } from '../../../src/kinds/action-types.js';
import { addPbsCommands, ensurePbsStorage, parsePbsStorageStatus, type PbsStorageSpec } from '../../../src/services/dr/rebuild-pbs.js';
import type { Command } from '../../../src/transport/command.js';
import { describeCommand } from '../../../src/transport/shell-script.js';
import { FakeRunner } from '../../helpers/fake-runner.js';

const FP = 'e1:55:0b:9c:3a:74:d2:68:af:13:87:f0:4c:29:b5:6e:02:d8:91:3f:a7:c0:5b:e4:16:78:2d:9e:43:b1:0a:f6';
const SECRET = 'b84e0f7a-2c31-4d96-8e5a-0f1d2c3b4a59';
const SPEC: PbsStorageSpec = { id: 'usb-restored', server: 'pbs2', datastore: 'usb-restored', username: 'strata@pbs!ro', fingerprint: FP };
const HEADER = 'Name                 Type     Status     Total (KiB)      Used (KiB) Available (KiB)        %\n';
const row = (state: string) => `${HEADER}usb-restored          pbs   ${state}               0               0               0    ${state === 'disabled' ? '     N/A' : '0.00%'}\n`;
const STATUS = ['pvesm', 'status', '--storage', 'usb-restored'];
const PW = '/etc/pve/priv/storage/usb-restored.pw';
const CFG = ['pvesh', 'get', '/storage', '--output-format', 'json'];

describe('pvesm status --storage ID', () => {
  it('reads absent, disabled, inactive with the activation error, and active', () => {
    expect(parsePbsStorageStatus('usb-restored', '', "storage 'usb-restored' does not exist\n", 255)).toEqual({ state: 'absent', why: '' });
    expect(parsePbsStorageStatus('usb-restored', row('disabled'), '', 0)).toEqual({ state: 'disabled', why: '' });
    expect(parsePbsStorageStatus('usb-restored', row('inactive'), 'usb-restored: error fetching datastores - 401 Unauthorized\n', 0)).toEqual({ state: 'inactive', why: 'error fetching datastores - 401 Unauthorized' });
    expect(parsePbsStorageStatus('usb-restored', row('active'), '', 0)).toEqual({ state: 'active', why: '' });
  });

  it('anything else is unreadable, with why (never a state guessed)', () => {
    expect(parsePbsStorageStatus('usb-restored', '', 'ipcc_send_rec[1] failed: Connection refused\n', 111)).toEqual({ error: 'ipcc_send_rec[1] failed: Connection refused' });
    expect(parsePbsStorageStatus('usb-restored', HEADER, '', 0)).toEqual({ error: 'pvesm status does not list usb-restored' });
    expect(parsePbsStorageStatus('usb-restored', `${HEADER}usb-restored-2 pbs active 0 0 0 0.00%\n`, '', 0)).toEqual({ error: 'pvesm status does not list usb-restored' });
  });
});

describe('the three commands', () => {
  it('carry the secret only as PBS_PASSWORD, shown by name; no argv holds it', () => {
    const cmds = addPbsCommands({ ...SPEC, namespace: 'lab', keyFile: '/etc/pve/priv/storage/pbs1.enc' }, SECRET);
    expect(cmds.map((c) => describeCommand(c.command))).toEqual([
      `pvesm add pbs usb-restored --server pbs2 --datastore usb-restored --username 'strata@pbs!ro' --fingerprint ${FP} --namespace lab --encryption-key /etc/pve/priv/storage/pbs1.enc --disable 1`,
      `PBS_PASSWORD=<secret> sh -c 'umask 077 && mkdir -p "$1" && printf "%s\\n" "$PBS_PASSWORD" > "$2"' sh /etc/pve/priv/storage ${PW}`,
      'pvesm set usb-restored --disable 0',
    ]);
    expect(cmds.flatMap((c) => c.command.argv).some((a) => a.includes(SECRET))).toBe(false);
    expect(cmds[1]!.command.secrets).toEqual({ PBS_PASSWORD: SECRET });
  });
});

/** The node as a fake host; `execute` runs each command there in order, as the action engine does, and stops at the first failure. */
function nodeOf(fake: FakeRunner) {
  const executed: Command[] = [];
  return {
    executed,
    node: {
      run: (cmd: Command) => fake.run(cmd),
      async execute(_title: string, commands: readonly { command: Command; description: string }[]): Promise<ActionOutcome> {
        for (const c of commands) {
          executed.push(c.command);
          const r = await fake.run(c.command);
          if (r.exitCode !== 0) return { state: 'failed', exitCode: r.exitCode, summary: r.stderr.trim(), durationMs: 1 };
        }
        return { state: 'ok', exitCode: 0, summary: 'ok', durationMs: 1 };
      },
    },
  };
}

const [ADD, WRITE, ENABLE] = addPbsCommands(SPEC, SECRET).map((c) => c.command);

describe('a resume finishes what a stopped run left', () => {
  it('nothing there: add disabled, write the .pw, enable; done when active', async () => {
    const fake = new FakeRunner('pve1');
    fake.on(STATUS, { stderr: "storage 'usb-restored' does not exist\n", exitCode: 255 });
    fake.on(ADD!.argv);
    fake.expect({ argv: WRITE!.argv, secrets: { PBS_PASSWORD: SECRET } });
    fake.on(ENABLE!.argv);
    fake.on(STATUS, row('active'));
    const { node, executed } = nodeOf(fake);
    expect(await ensurePbsStorage(node, SPEC, async () => SECRET)).toEqual({ ok: true, already: false, detail: 'usb-restored added' });
    expect(executed.map((c) => c.argv[1])).toEqual(['add', '-c', 'set']);
    fake.assertDone();
  });

  it('added but disabled, no .pw (stopped after pvesm add): writes the .pw and enables it, saying what it found', async () => {
    const fake = new FakeRunner('pve1');
    fake.on(STATUS, row('disabled'));
    fake.on(CFG, JSON.stringify([{ storage: 'usb-restored', type: 'pbs', server: 'pbs2', datastore: 'usb-restored', username: 'strata@pbs!ro', content: 'backup', disable: 1 }]));
    fake.on(['stat', '-c', '%s', PW], { stderr: `stat: cannot statx '${PW}': No such file or directory\n`, exitCode: 1 });
    fake.expect({ argv: WRITE!.argv, secrets: { PBS_PASSWORD: SECRET } });
    fake.on(ENABLE!.argv);
    fake.on(STATUS, row('active'));
    const { node, executed } = nodeOf(fake);
    const r = await ensurePbsStorage(node, SPEC, async () => SECRET);
    expect(r).toEqual({ ok: true, already: false, detail: 'found usb-restored added but disabled, without its .pw; usb-restored added' });
    expect(executed.map((c) => c.argv[1])).toEqual(['-c', 'set']);
    fake.assertDone();
  });

  it('enabled but inactive with 401 (stopped after a wrong or missing .pw): writes the .pw again, enables nothing', async () => {
    const fake = new FakeRunner('pve1');
    fake.on(STATUS, { stdout: row('inactive'), stderr: 'usb-restored: error fetching datastores - 401 Unauthorized\n' });
    fake.on(CFG, JSON.stringify([{ storage: 'usb-restored', type: 'pbs', server: 'pbs2', datastore: 'usb-restored', username: 'strata@pbs!ro', content: 'backup' }]));
    fake.on(['stat', '-c', '%s', PW], '6\n');
    fake.expect({ argv: WRITE!.argv, secrets: { PBS_PASSWORD: SECRET } });
    fake.on(STATUS, row('active'));
    const { node, executed } = nodeOf(fake);
    const r = await ensurePbsStorage(node, SPEC, async () => SECRET);
    expect(r).toMatchObject({ ok: true, detail: 'found usb-restored enabled but inactive (error fetching datastores - 401 Unauthorized), with a .pw (written again); usb-restored added' });
    expect(executed.map((c) => c.argv[1])).toEqual(['-c']);
    fake.assertDone();
  });

  it('restored with an older fingerprint (the PBS renewed its certificate since): sets the fingerprint it has now, then the .pw', async () => {
    const OLD = '00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff';
    const fake = new FakeRunner('pve1');
    fake.on(STATUS, { stdout: row('inactive'), stderr: `usb-restored: error fetching datastores - fingerprint '${FP.toUpperCase()}' not verified, abort!\n` });
    fake.on(CFG, JSON.stringify([{ storage: 'usb-restored', type: 'pbs', server: 'pbs2', datastore: 'usb-restored', username: 'strata@pbs!ro', content: 'backup', fingerprint: OLD }]));
    fake.on(['stat', '-c', '%s', PW], '37\n');
    fake.on(['pvesm', 'set', 'usb-restored', '--fingerprint', FP]);
    fake.expect({ argv: WRITE!.argv, secrets: { PBS_PASSWORD: SECRET } });
    fake.on(STATUS, row('active'));
    const { node, executed } = nodeOf(fake);
    const r = await ensurePbsStorage(node, SPEC, async () => SECRET);
    expect(r).toMatchObject({ ok: true, detail: expect.stringContaining(`with fingerprint ${OLD} (the PBS has ${FP} now: set again); usb-restored added`) });
    expect(executed.map((c) => c.argv.slice(0, 4).join(' '))).toEqual(['pvesm set usb-restored --fingerprint', `sh -c ${WRITE!.argv[2]} sh`]);
    fake.assertDone();
  });

  it('still inactive after the three: failed with what PBS answered', async () => {
    const fake = new FakeRunner('pve1');
    fake.on(STATUS, { stderr: "storage 'usb-restored' does not exist\n", exitCode: 255 });
    fake.on(ADD!.argv);
    fake.expect({ argv: WRITE!.argv, secrets: { PBS_PASSWORD: 'wrong' } });
    fake.on(ENABLE!.argv);
    fake.on(STATUS, { stdout: row('inactive'), stderr: 'usb-restored: error fetching datastores - 401 Unauthorized\n' });
    const { node } = nodeOf(fake);
    const r = await ensurePbsStorage(node, SPEC, async () => 'wrong');
    expect(r).toEqual({ ok: false, detail: 'usb-restored was added but pvesm status shows it inactive: error fetching datastores - 401 Unauthorized' });
    fake.assertDone();
  });

  it('a storage of that id configured for another datastore is not touched: no password written there, nothing run, and the secret not even read', async () => {
    const fake = new FakeRunner('pve1');
    fake.on(STATUS, row('disabled'));
    fake.on(CFG, JSON.stringify([{ storage: 'usb-restored', type: 'pbs', server: 'pbs9', datastore: 'other', username: 'root@pam', content: 'backup', disable: 1 }]));
    const { node, executed } = nodeOf(fake);
    let read = false;
    const r = await ensurePbsStorage(node, SPEC, async () => ((read = true), SECRET));
    expect(r.ok).toBe(false);
    expect(r.detail).toBe('storage usb-restored is already defined on the node with datastore other, username root@pam (not usb-restored as strata@pbs!ro): remove it (pvesm remove usb-restored) or rename it, then run this again');
    expect([executed, read]).toEqual([[], false]);
    fake.assertDone();
  });

  it('active already: nothing run, nothing read', async () => {
    const fake = new FakeRunner('pve1');
    fake.on(STATUS, row('active'));
    const { node, executed } = nodeOf(fake);
    expect(await ensurePbsStorage(node, SPEC, async () => SECRET)).toEqual({ ok: true, already: true, detail: 'usb-restored was already active' });
    expect(executed).toEqual([]);
    fake.assertDone();
  });
});
