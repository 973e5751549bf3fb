/**
 * `strata status --json --config F`, N times in a row in this one process, as
 * cron would run it N times: each run is `main()` (what bin/strata.js runs)
 * with a session of its own, so every run opens new connections and starts
 * new sessions on every host. One JSON line per run: exit code, output, time.
 *
 *   node --import tsx status-loop.ts CONFIG N
 */
import { memoryIo } from '../../../../src/cli/io.js';
import { main } from '../../../../src/cli/main.js';

const [config, times] = process.argv.slice(2);
for (let i = 0; i < Number(times); i++) {
  const io = memoryIo('', process.env);
  const started = Date.now();
  const code = await main(['status', '--json', '--config', config!], io);
  process.stdout.write(`${JSON.stringify({ code, stdout: io.stdout, stderr: io.stderr, elapsedMs: Date.now() - started })}\n`);
}
