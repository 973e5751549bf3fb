import { appendFileSync, mkdtempSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalEvidence } from '../../../src/services/journal/evidence.js';
import { journalLine } from '../../../src/services/journal/journal-file.js';
import type { NewJournalEntry } from '../../../src/services/journal/entry.js';

const end = (actionId: string, layerId: string, at: string, extra: Partial<Extract<NewJournalEntry, { type: 'action-end' }>> = {}): NewJournalEntry => ({
  type: 'action-end',
  at,
  operator: 'alice',
  actionId,
  title: `verify ${layerId}`,
  request: { kind: 'verify', layerId },
  state: 'ok',
  exitCode: 0,
  summary: 'verify ok',
  verified: 'ok',
  durationMs: 1000,
  ...extra,
});

function journalFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'strata-evidence-')), 'journal.jsonl');
}

describe('the journal evidence reader', () => {
  it('finds nothing in a journal that does not exist yet, and does not create it', async () => {
    const path = journalFile();
    const ev = new JournalEvidence(path);
    await ev.catchUp();
    expect(ev.verifications()).toEqual([]);
    expect(() => statSync(path)).toThrow();
  });

  it('reads only what was appended since the last read', async () => {
    const path = journalFile();
    writeFileSync(path, journalLine(end('a1', 'pbs-local', '2026-12-01T10:00:00Z')));
    const ev = new JournalEvidence(path);
    await ev.catchUp();
    const first = ev.bytesRead;
    expect(first).toBe(statSync(path).size);
    expect(ev.verifications().map((v) => v.actionId)).toEqual(['a1']);

    const added = journalLine(end('a2', 'restic-usb', '2026-12-02T10:00:00Z')) + journalLine(end('a3', 'pbs-local', '2026-12-03T10:00:00Z'));
    appendFileSync(path, added);
    await ev.catchUp();
    expect(ev.bytesRead - first).toBe(Buffer.byteLength(added));
    // The newest per layer: a3 replaced a1.
    expect(ev.verifications().map((v) => v.actionId)).toEqual(['a3', 'a2']);
  });

  it('leaves a line being written for the next read, and folds it once it ends', async () => {
    const path = journalFile();
    const line = journalLine(end('a1', 'pbs-local', '2026-12-01T10:00:00Z'));
    writeFileSync(path, line.slice(0, 40));
    const ev = new JournalEvidence(path);
    await ev.catchUp();
    expect(ev.bytesRead).toBe(0);
    expect(ev.verifications()).toEqual([]);
    appendFileSync(path, line.slice(40));
    await ev.catchUp();
    expect(ev.verifications().map((v) => v.actionId)).toEqual(['a1']);
  });

  it('reads a journal that was replaced from its start (its old evidence is gone)', async () => {
    const path = journalFile();
    writeFileSync(path, journalLine(end('a1', 'pbs-local', '2026-12-01T10:00:00Z')) + journalLine(end('a2', 'restic-usb', '2026-12-01T11:00:00Z')));
    const ev = new JournalEvidence(path);
    await ev.catchUp();
    expect(ev.verifications()).toHaveLength(2);
    const other = `${path}.new`;
    writeFileSync(other, journalLine(end('b1', 'rclone-cloud', '2026-12-02T10:00:00Z')) + journalLine(end('b2', 'rclone-cloud', '2026-12-02T11:00:00Z')) + journalLine(end('b3', 'nas-snap', '2026-12-02T12:00:00Z')));
    renameSync(other, path);
    await ev.catchUp();
    expect(ev.verifications().map((v) => v.actionId).sort()).toEqual(['b2', 'b3']);
  });

  it('keeps the newest run per layer, failures included, for the status', async () => {
    const path = journalFile();
    writeFileSync(
      path,
      journalLine(end('r1', 'cfg', '2026-12-01T10:00:00Z', { request: { kind: 'run', layerId: 'cfg' }, state: 'failed', summary: 'tar failed' })) +
        'not json\n' +
        journalLine(end('r2', 'cfg', '2026-12-01T09:00:00Z', { request: { kind: 'run', layerId: 'cfg' } })),
    );
    const ev = new JournalEvidence(path);
    await ev.catchUp();
    expect(ev.strataRuns().map((r) => [r.layerId, r.run.state, r.run.status])).toEqual([['cfg', 'failed', 'tar failed']]);
  });

  it('starts where the last process stopped, and reads the whole journal again when it was rewritten in place', async () => {
    const path = journalFile();
    const lines = Array.from({ length: 200 }, (_, i) => journalLine(end(`a${i}`, `layer-${i % 7}`, new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString()))).join('');
    writeFileSync(path, lines);
    const first = new JournalEvidence(path);
    await first.catchUp();
    expect(first.bytesReadHere).toBe(Buffer.byteLength(lines));

    const added = journalLine(end('late', 'layer-0', '2026-12-02T00:00:00Z'));
    appendFileSync(path, added);
    const next = new JournalEvidence(path);
    await next.catchUp();
    expect(next.bytesReadHere).toBe(Buffer.byteLength(added));
    const fresh = new JournalEvidence(path, null);
    await fresh.catchUp();
    expect(next.verifications()).toEqual(fresh.verifications());
    expect(next.verifications().find((v) => v.layerId === 'layer-0')?.actionId).toBe('late');

    // Same inode, same length, other content: the saved position does not match it.
    const rewritten = lines.replace(/"a(\d+)"/g, '"b$1"') + added;
    writeFileSync(path, rewritten);
    const after = new JournalEvidence(path);
    await after.catchUp();
    expect(after.bytesReadHere).toBe(Buffer.byteLength(rewritten));
    expect(after.verifications().some((v) => v.actionId.startsWith('a'))).toBe(false);
  });
});
