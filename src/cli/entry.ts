/** The process entry: runs `main` with the real terminal and exits with its code. */
import { processIo } from './io.js';
import { main } from './main.js';

try {
  process.exitCode = await main(process.argv.slice(2), processIo());
} catch (e) {
  process.stderr.write(`strata: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 70;
}
