/**
 * The checks after a file restore, judged from what reads the data back:
 * a find listing against the source's (sizes, count, bytes; over the
 * original only the restored files), and rclone check --download. Each
 * must be able to fail.
 */
import { describe, expect, it } from 'vitest';
import { judgeFilesMatch, judgeRcloneCheckBack } from '../../src/kinds/shared/files/checks.js';

const rec = (type: string, size: number, rel: string) => `${type}\t${size}\t1700000000.0000000000\t${rel}\0`;
const listing = (...recs: string[]) => [rec('d', 4096, ''), ...recs].join('');

describe('files-match', () => {
  const o = { kind: 'files-match' as const, root: '/restore/x', files: 2, bytes: 30, expect: { 'etc/a.conf': 10, 'etc/b.conf': 20 } };

  it('passes when every listed file is there with its size, and the count and bytes agree', () => {
    expect(judgeFilesMatch(o, listing(rec('d', 4096, 'etc'), rec('f', 10, 'etc/a.conf'), rec('f', 20, 'etc/b.conf')), '', 0)).toMatchObject({ state: 'passed' });
  });

  it('fails on a missing file, a wrong size, a short count and a target that is not there', () => {
    expect(judgeFilesMatch(o, listing(rec('f', 10, 'etc/a.conf')), '', 0)).toMatchObject({ state: 'failed', detail: expect.stringContaining('etc/b.conf missing') });
    expect(judgeFilesMatch(o, listing(rec('f', 10, 'etc/a.conf'), rec('f', 19, 'etc/b.conf')), '', 0)).toMatchObject({ state: 'failed', detail: expect.stringContaining('19 bytes, not 20') });
    expect(judgeFilesMatch({ ...o, expect: {} }, listing(rec('f', 10, 'etc/a.conf')), '', 0)).toMatchObject({ state: 'failed', detail: expect.stringContaining('has 2 files') });
    expect(judgeFilesMatch(o, '', "find: '/restore/x': No such file or directory\n", 1)).toMatchObject({ state: 'failed', detail: expect.stringContaining('nothing was restored') });
  });

  it('over the original: only the restored files count, other files in the directory do not', () => {
    const only = { kind: 'files-match' as const, root: '/etc', expect: { 'a.conf': 10 }, unknownWhy: 'over the original' };
    expect(judgeFilesMatch(only, listing(rec('f', 10, 'a.conf'), rec('f', 99, 'other.conf')), '', 0)).toMatchObject({ state: 'passed' });
    expect(judgeFilesMatch(only, listing(rec('f', 11, 'a.conf')), '', 0)).toMatchObject({ state: 'failed' });
  });

  it('without a source listing it counts what is there and says nothing was compared', () => {
    const v = judgeFilesMatch({ kind: 'files-match', root: '/mnt/clone', unknownWhy: 'no .zfs here' }, listing(rec('f', 5, 'x')), '', 0);
    expect(v).toMatchObject({ state: 'passed', detail: expect.stringContaining('not compared: no .zfs here') });
  });
});

describe('rclone-check-back', () => {
  it('passes when every file was read on both sides and is equal; fails on a difference', () => {
    expect(judgeRcloneCheckBack('= a.txt\n= b.txt\n', '', 0)).toMatchObject({ state: 'passed', detail: expect.stringContaining('2 files') });
    expect(judgeRcloneCheckBack('= a.txt\n* b.txt\n', 'ERROR : b.txt: files differ\nNOTICE: 1 differences found\n', 1)).toMatchObject({ state: 'failed' });
  });
});
