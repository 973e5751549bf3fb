/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts, which exports
 * `run(args: string[]): Promise<void>` and prints its own figures. Targets are
 * checked here as ratios measured in one run, never in timed tests.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const [name, ...args] = process.argv.slice(2);
const names = name === undefined || name === 'all' ? available : [name];
for (const n of names) {
  if (!available.includes(n)) {
    process.stderr.write(`bench: no benchmark "${n}"; available: ${available.join(', ')}\n`);
    process.exit(64);
  }
  process.stdout.write(`\n== bench ${n} ==\n`);
  const mod = (await import(`./${n}.ts`)) as { run: (args: string[]) => Promise<void> };
  await mod.run(args);
}
process.exit(0);
