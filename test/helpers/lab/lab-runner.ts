/**
 * Strata's real SSH runner pointed at a lab host, as the collector would
 * build it from the lab's config (pinned key, the lab's identity file, no
 * agent, no ~/.ssh/config).
 */
import { afterAll, beforeAll } from 'vitest';
import { validateInventory, type Inventory } from '../../../src/domain/inventory.js';
import { startLab, type Lab, type LabOptions } from '../../../src/lab/index.js';
import { createRunner, type Runner, type SshTarget } from '../../../src/transport/index.js';

export function labTarget(lab: Lab, host: string, extra: Partial<SshTarget> = {}): SshTarget {
  const fresh = lab.freshNode?.name === host ? lab.freshNode : undefined;
  // The disaster's fresh node is in no inventory: reached on its own port, its new key pinned.
  const h = fresh
    ? { name: fresh.name, address: '127.0.0.1', port: fresh.port, user: 'root', identityFile: lab.identityFile, hostKeyFingerprint: fresh.fingerprint }
    : lab.config.hosts.find((x) => x.name === host);
  if (!h) throw new Error(`no lab host ${host}`);
  return {
    name: h.name,
    address: h.address!,
    port: h.port!,
    user: h.user!,
    identityFile: h.identityFile!,
    hostKeyFingerprint: h.hostKeyFingerprint!,
    sshConfigFile: '/nonexistent/strata-lab-ssh-config',
    agentSocket: false,
    connectTimeoutMs: 5000,
    ...extra,
  };
}

/** One runner per host, closed together. */
export class LabRunners {
  private readonly runners = new Map<string, Runner>();

  constructor(private readonly lab: Lab) {}

  get(host: string): Runner {
    let r = this.runners.get(host);
    if (!r) {
      r = createRunner(labTarget(this.lab, host));
      this.runners.set(host, r);
    }
    return r;
  }

  async close(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.close()));
    this.runners.clear();
  }
}

/**
 * A lab for the tests of the calling suite: started with its runners and its
 * validated inventory before them (handed to `take`), stopped after.
 */
export function useLab(opts: LabOptions, take: (lab: Lab, runners: LabRunners, inventory: Inventory) => void): void {
  let lab: Lab | undefined;
  let runners: LabRunners | undefined;
  beforeAll(async () => {
    lab = await startLab(opts);
    runners = new LabRunners(lab);
    const v = validateInventory(lab.config);
    if (!v.ok) throw new Error(`the lab wrote an invalid inventory: ${JSON.stringify(v.problems)}`);
    take(lab, runners, v.inventory);
  }, 60_000);
  afterAll(async () => {
    await runners?.close();
    await lab?.stop();
  });
}
