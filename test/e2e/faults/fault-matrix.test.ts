/**
 * The fault matrix: each case starts throwaway real OpenSSH hosts, breaks one
 * the way real hosts break, and runs the real `strata status --json` (the CLI
 * in a child process, the real collector) or the panel in a real terminal.
 * Whatever breaks, the process ends normally with the JSON contract and no
 * stack trace, every workload the last reading knew is still listed, the
 * broken host's layers are UNKNOWN with a reason, and a workload nothing
 * readable can vouch for is UNKNOWN (helpers/expect-fault.ts). The cases are
 * independent (each breaks hosts of its own) and run at the same time: vitest
 * runs one test file at a time on a 2-core machine.
 */
import { describe } from 'vitest';
import { describeWithTools } from '../../helpers/tools.js';
import { connectionDies } from './cases/connection-dies.js';
import { panelUnderFault } from './cases/panel-under-fault.js';
import { slowLogin } from './cases/slow-login.js';
import { theHostItself } from './cases/the-host-itself.js';
import { whatAProbePrints } from './cases/what-a-probe-prints.js';
import { useMatrix } from './helpers/matrix.js';

describeWithTools(['sshd', 'restic', 'rclone'], 'fault matrix', () => {
  const m = useMatrix();
  // Cases wait out real timeouts (the 20 s probe timeout) on a machine that other tests load too.
  const slow = { timeout: 120_000 };
  describe.concurrent('slow session start', { timeout: 240_000 }, () => slowLogin(m));
  describe.concurrent('what a probe prints', slow, () => whatAProbePrints(m));
  describe.concurrent('the host itself', slow, () => theHostItself(m));
  describe.concurrent('the connection dies during a read', slow, () => connectionDies(m));
  describe.concurrent('the panel under a fault', slow, () => panelUnderFault(m));
});
