/**
 * A Strata process appending to the journal until it is killed:
 * `append-until-killed.ts PATH RUN`. Prints each entry's sequence number once
 * Journal.append has resolved (the line written and fsync'd): an entry
 * printed is an entry acknowledged.
 */
import { Journal } from '../../../src/services/journal/journal-file.js';

const [path, run] = process.argv.slice(2);
const journal = new Journal(path!);
for (let seq = 0; ; seq++) {
  // Lines of many lengths, up to a few pages, so a kill can land inside a long write.
  const padding = 'x'.repeat((seq * 7919 + Number(run) * 104_729) % 12_000);
  await journal.append({
    type: 'command',
    at: new Date().toISOString(),
    operator: `run-${run}`,
    host: 'crash-test',
    command: `echo ${run} ${seq} ${padding}`,
    exitCode: 0,
    durationMs: seq,
  });
  process.stdout.write(`${seq}\n`);
}
