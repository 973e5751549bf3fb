/**
 * Runs one command for an SSH channel the way the host would, with the host's
 * faults applied: latency before the answer, a hang that only a kill ends, a
 * connection cut in the middle of the output, random bytes instead of output.
 */
import { faultFor, latencyOf } from '../faults.js';
import { sleep, type Exit, type LabRuntime, type Output, type SpawnSpec } from '../runtime.js';

export interface ChannelHost {
  readonly runtime: LabRuntime;
  readonly hostName: string;
  /** Cuts every connection of the host (the `drop` fault). */
  dropConnections(): void;
}

/** Waits the host's latency (lab-wide plus injected). */
export function answerDelay(ch: ChannelHost): Promise<void> {
  const ms = latencyOf(ch.runtime.faults(ch.hostName), ch.runtime.latencyMs);
  return ms > 0 ? sleep(ms) : Promise.resolve();
}

function garbageBytes(n: number, seed: () => number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(seed() * 256);
  return b;
}

/**
 * Starts the command; `onPid` runs before any output (the PID marker).
 * Resolves with the exit, or `dropped` when the connection was cut.
 */
export async function runOnChannel(
  ch: ChannelHost,
  spec: SpawnSpec,
  io: { out(data: string | Buffer): void; err(data: string | Buffer): void },
  onPid: (pid: number) => void,
): Promise<Exit | 'dropped'> {
  await answerDelay(ch);
  const { runtime, hostName } = ch;
  const host = runtime.host(hostName);
  if (!host) return { code: 127 };
  const faults = runtime.faults(hostName);
  const program = spec.argv[0];
  const pid = runtime.allocatePid(host);
  onPid(pid);

  if (faultFor(faults, 'drop', program)) {
    let stdout = '';
    const { exit } = runtime.spawn(hostName, spec, { out: (t) => (stdout += t), err: () => undefined }, { pid });
    await Promise.race([exit, sleep(200)]);
    io.out(stdout.slice(0, Math.ceil(stdout.length / 2)));
    // Let the partial output leave before the cut, as on a real link.
    await sleep(20);
    ch.dropConnections();
    return 'dropped';
  }

  const garbage = faultFor(faults, 'garbage', program);
  const sink: Output = garbage
    ? { out: () => undefined, err: (t) => io.err(t) }
    : { out: (t) => io.out(t), err: (t) => io.err(t) };
  const hang = faultFor(faults, 'hang', program) !== undefined;
  const { exit } = runtime.spawn(hostName, spec, sink, { pid, hang });
  const result = await exit;
  if (garbage && result.signal === undefined) io.out(garbageBytes(garbage.bytes ?? 512, () => runtime.rng.next()));
  return result;
}
