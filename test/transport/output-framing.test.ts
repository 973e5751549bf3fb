import { describe, expect, it } from 'vitest';
import { MarkerScanner } from '../../src/transport/marker-scanner.js';
import { OutputBudget, OutputSink } from '../../src/transport/output-sink.js';
import { newNonce } from '../../src/transport/shell-script.js';

/** Feeds `text` to a scanner in pieces cut at `cuts`, collecting output and markers. */
function scan(nonce: string, text: Buffer, cuts: number[]) {
  const s = new MarkerScanner(nonce);
  const out: Buffer[] = [];
  const events: unknown[] = [];
  let at = 0;
  for (const c of [...cuts, text.length]) {
    const r = s.feed(text.subarray(at, c));
    out.push(r.data);
    events.push(...r.events);
    at = c;
  }
  out.push(s.flush());
  return { out: Buffer.concat(out).toString('utf8'), events, ended: s.hasEnded };
}

describe('marker scanner', () => {
  const nonce = newNonce();
  const stderr = Buffer.from(`warn: ünï ${nonce.slice(0, 9)} partial${nonce}:P4242\nmore\nno eol${nonce}:E3\n`);

  it('strips the PID marker, ends at the end marker, and keeps the output byte for byte wherever the chunks are cut', () => {
    for (let i = 0; i <= stderr.length; i++) {
      for (const j of [i, Math.min(stderr.length, i + 1), Math.min(stderr.length, i + 7)]) {
        const r = scan(nonce, stderr, [i, j]);
        expect(r).toEqual({
          out: `warn: ünï ${nonce.slice(0, 9)} partialmore\nno eol`,
          events: [
            { kind: 'pid', pid: 4242 },
            { kind: 'end', code: 3 },
          ],
          ended: true,
        });
      }
    }
  });

  it('passes through text that only looks like a marker of another nonce or an unknown letter', () => {
    const other = newNonce();
    const text = Buffer.from(`${other}:E0\n${nonce}:X1\n${nonce}:E\n${nonce}:E0\n`);
    expect(scan(nonce, text, [5, 40])).toEqual({
      out: `${other}:E0\n${nonce}:X1\n${nonce}:E\n`,
      events: [{ kind: 'end', code: 0 }],
      ended: true,
    });
  });

  it('never hands out part of a marker before the next chunk decides it', () => {
    const s = new MarkerScanner(nonce);
    expect(s.feed(Buffer.from(`line\n${nonce.slice(0, 12)}`)).data.toString()).toBe('line\n');
    expect(s.feed(Buffer.from(`${nonce.slice(12)}:E`)).data.toString()).toBe('');
    expect(s.feed(Buffer.from('7\n')).events).toEqual([{ kind: 'end', code: 7 }]);
  });
});

describe('output sink', () => {
  it('delivers complete lines as they arrive and the last unterminated one at the end', () => {
    const lines: string[] = [];
    const sink = new OutputSink((l) => lines.push(l));
    const bytes = Buffer.from('a\nbé\ncd');
    for (let i = 0; i < bytes.length; i++) sink.push(bytes.subarray(i, i + 1));
    expect(lines).toEqual(['a', 'bé']);
    expect(sink.finish()).toBe('a\nbé\ncd');
    expect(lines).toEqual(['a', 'bé', 'cd']);
  });

  it('keeps only the tail it is given, starting on a whole character', () => {
    const sink = new OutputSink(undefined, 10);
    for (let i = 0; i < 100; i++) sink.push(Buffer.from(`${i}é\n`));
    const tail = sink.finish();
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(10);
    expect(tail.endsWith('98é\n99é\n')).toBe(true);
    expect(tail).not.toContain('\uFFFD');
  });

  it('bounds a line that never ends', () => {
    const lines: string[] = [];
    const sink = new OutputSink((l) => lines.push(l), 1024);
    for (let i = 0; i < 300; i++) sink.push(Buffer.alloc(1024, 0x78));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.length <= 64 * 1024)).toBe(true);
    expect(sink.finish().length).toBe(1024);
  });

  it('a budget shared by stdout and stderr: past it, both drop what they hold and take nothing more, and it says so once', () => {
    let exceeded = 0;
    const budget = new OutputBudget(100, () => (exceeded += 1));
    const lines: string[] = [];
    const out = new OutputSink((l) => lines.push(l), undefined, budget);
    const err = new OutputSink(undefined, undefined, budget);
    out.push(Buffer.from('a'.repeat(59) + '\n'));
    err.push(Buffer.from('e'.repeat(40)));
    expect([budget.isExceeded, exceeded]).toEqual([false, 0]);
    out.push(Buffer.from('b\n'));
    expect([budget.isExceeded, exceeded]).toEqual([true, 1]);
    for (let i = 0; i < 10; i++) err.push(Buffer.alloc(1000, 0x65));
    expect(exceeded).toBe(1);
    expect(lines).toEqual(['a'.repeat(59)]);
    expect(out.finish()).toBe('');
    expect(err.finish()).toBe('');
  });
});
