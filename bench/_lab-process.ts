/**
 * The lab in a process of its own, for a bench that measures the panel alone
 * (an operator's panel does not also serve its hosts' SSH): prints the lab's
 * inventory path as one JSON line, stops the lab when stdin ends or on TERM.
 * `tsx bench/_lab-process.ts [timeScale]`; not a bench itself (run.ts skips `_` files).
 */
import { startLab } from '../src/lab/index.js';

const lab = await startLab({ scenario: 'healthy', timeScale: Number(process.argv[2] ?? 1) });
process.stdout.write(`${JSON.stringify({ configPath: lab.configPath })}\n`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await lab.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
