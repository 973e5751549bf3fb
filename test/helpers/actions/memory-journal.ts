import type { JournalSink, NewJournalEntry } from '../../../src/services/journal/index.js';

/** Collects entries in memory; `failAfter` makes the n-th append onwards fail (a full disk). */
export class MemoryJournal implements JournalSink {
  readonly entries: NewJournalEntry[] = [];
  constructor(private readonly failAfter = Infinity) {}
  async append(entry: NewJournalEntry): Promise<void> {
    if (this.entries.length >= this.failAfter) throw new Error('No space left on device');
    this.entries.push(JSON.parse(JSON.stringify(entry)) as NewJournalEntry);
  }
  get types(): string[] {
    return this.entries.map((e) => e.type);
  }
  get commands(): string[] {
    return this.entries.flatMap((e) => (e.type === 'command' ? [e.command] : []));
  }
}
