/** A second Strata process appending to the same journal: `append-many.ts PATH WRITER COUNT`. */
import { Journal } from '../../../src/services/journal/journal-file.js';

const [path, writer, count] = process.argv.slice(2);
const journal = new Journal(path!);
const padding = 'x'.repeat(3000);
for (let i = 0; i < Number(count); i++) {
  await journal.append({
    type: 'command',
    at: new Date().toISOString(),
    operator: `writer-${writer}`,
    host: `host-${writer}`,
    command: `echo ${i} ${padding}`,
    exitCode: 0,
    durationMs: i,
  });
}
